package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.syncready.controller.metrics.ControllerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.fleet.BoxRecord;
import org.syncready.controller.health.WriterState;
import org.syncready.controller.ingest.RecordSink;

/**
 * The single SQLite writer. Ingest hands it rows; it writes them in batches, one transaction each,
 * on its own thread. The queue is bounded: when it is full, {@link #put} blocks the ingest thread,
 * which stops taking messages from the broker, so the broker's per-client queue absorbs the burst
 * instead of the controller dropping rows. When the disk fails, the batch is retried with backoff
 * and kept; nothing is thrown away.
 *
 * <p>{@link #afterCommit} queues an action behind the rows queued before it and runs it, on the
 * writer's thread, once they are committed: ingest acknowledges an MQTT message to the broker only
 * then, so a crash never loses a message the broker let go of. Actions run in the order queued.
 */
public final class StatusWriter implements RecordSink, WriterState, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

    private static final String INSERT_STATUS = "INSERT INTO box_status(box_id, boot_id, seq, received_at, ts, payload) VALUES (?,?,?,?,?,?)"
            + " ON CONFLICT DO NOTHING";
    // last_seen only moves forward (a NULL one is replaced): CASE rather than SQLite's max() or PostgreSQL's greatest().
    /**
     * The live fleet decides which status is the box's latest (by boot and seq, in order of arrival,
     * never by a clock) and marks it live; rows reach this writer in that order. Several nodes each write the
     * statuses they ingested: a status of the same boot with a lower seq than the stored one leaves the row alone.
     */
    private static final String UPSERT_LATEST_STATUS = """
            INSERT INTO box_latest(box_id, last_seen, boot_id, status, status_at, status_seq) VALUES (?,?,?,?,?,?)
            ON CONFLICT(box_id) DO UPDATE SET last_seen = CASE WHEN box_latest.last_seen > excluded.last_seen
              THEN box_latest.last_seen ELSE excluded.last_seen END,
              boot_id = excluded.boot_id, status = excluded.status, status_at = excluded.status_at, status_seq = excluded.status_seq
            WHERE box_latest.status_seq IS NULL OR box_latest.boot_id IS NULL OR box_latest.boot_id <> excluded.boot_id
              OR box_latest.status_seq < excluded.status_seq""";
    private static final String UPSERT_LATEST_BIRTH = """
            INSERT INTO box_latest(box_id, last_seen, boot_id, birth) VALUES (?,?,?,?)
            ON CONFLICT(box_id) DO UPDATE SET last_seen = CASE WHEN box_latest.last_seen > excluded.last_seen
              THEN box_latest.last_seen ELSE excluded.last_seen END,
              boot_id = excluded.boot_id, birth = excluded.birth""";
    private static final String UPSERT_LATEST_PRESENCE = """
            INSERT INTO box_latest(box_id, last_seen, online) VALUES (?,?,?)
            ON CONFLICT(box_id) DO UPDATE SET last_seen = CASE WHEN box_latest.last_seen > excluded.last_seen
              THEN box_latest.last_seen ELSE excluded.last_seen END, online = excluded.online""";
    private static final String INSERT_EVENT = "INSERT INTO box_event(box_id, at, kind, detail) VALUES (?,?,?,?)";

    /** How long a batch may wait for more rows: store lag only, the live state is updated at once. */
    static final long LINGER_MS = 20;

    private final Database database;
    private final ControllerMetrics metrics;
    /** What the queue holds: a row, or an action to run once every row before it is committed. */
    private sealed interface Queued {
    }

    private record Row(BoxRecord write) implements Queued {
    }

    private record AfterCommit(Runnable action) implements Queued {
    }

    private final BlockingQueue<Queued> queue;
    private final int capacity;
    /** When writes began to fail (epoch ms), 0 while they succeed. */
    private volatile long failingSince;
    /** When a put first found the queue full (epoch ms), 0 while it has room. */
    private volatile long fullSince;
    private final int maxBatch;
    private final long lingerNanos;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private volatile boolean running = true;
    private Connection connection;

    public StatusWriter(Database database, ControllerMetrics metrics, int capacity, int maxBatch) {
        this(database, metrics, capacity, maxBatch, LINGER_MS);
    }

    StatusWriter(Database database, ControllerMetrics metrics, int capacity, int maxBatch, long lingerMs) {
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMs);
        this.database = database;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, "store-writer");
        metrics.gauge("syncready.store.queue.depth", "Rows waiting for the SQLite writer", queue::size);
        metrics.functionCounter("syncready.store.rows.written", "Rows committed by the SQLite writer", written,
                java.util.concurrent.atomic.AtomicLong::get);
    }

    public void start() {
        thread.start();
    }

    /** Queues a row; blocks while the queue is full (back-pressure, see the class comment). */
    @Override
    public void put(BoxRecord write) throws InterruptedException {
        enqueue(new Row(write));
    }

    /**
     * Runs {@code action} on the writer's thread once every row queued before it is committed (at once
     * after the next commit when none is waiting). Blocks while the queue is full, like {@link #put}.
     * The action must be quick and must not throw; a throw is logged and the writer goes on.
     */
    @Override
    public void afterCommit(Runnable action) throws InterruptedException {
        enqueue(new AfterCommit(action));
    }

    private void enqueue(Queued entry) throws InterruptedException {
        if (!running) {
            throw new IllegalStateException("store writer is closed");
        }
        if (!queue.offer(entry)) {
            if (fullSince == 0) {
                fullSince = System.currentTimeMillis();
            }
            queue.put(entry);
        }
    }

    public int depth() {
        return queue.size();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** Since when (epoch ms) a put has been waiting for room, or 0 when the queue has room. */
    @Override
    public long fullSince() {
        return fullSince;
    }

    /** Since when (epoch ms) every write has failed, or 0 while writes succeed. */
    @Override
    public long failingSince() {
        return failingSince;
    }

    /** Whether the writer thread runs (it ends only after {@link #close}, or killed by an Error). */
    @Override
    public boolean alive() {
        return thread.isAlive();
    }

    /** Rows committed so far. */
    public long written() {
        return written.get();
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(maxBatch);
        List<BoxRecord> rows = new ArrayList<>(maxBatch);
        List<Runnable> actions = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                gather(batch);
                if (queue.remainingCapacity() > 0) {
                    fullSince = 0;
                }
                for (Queued q : batch) {
                    if (q instanceof Row r) {
                        rows.add(r.write());
                    } else if (q instanceof AfterCommit a) {
                        actions.add(a.action());
                    }
                }
                if (!rows.isEmpty() && !writeUntilDone(rows)) {
                    // Stopped while the store failed: these rows are not committed, so their actions
                    // (acknowledgements) must not run; the broker delivers the messages again.
                    actions.clear();
                }
                runAll(actions);
                batch.clear();
                rows.clear();
                actions.clear();
            } catch (InterruptedException e) {
                // close() interrupts only to stop waiting; the loop drains what is left.
                running = false;
            }
        }
        closeConnection();
    }

    private static void runAll(List<Runnable> actions) {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("an after-commit action failed: {}", e.toString());
            }
        }
    }

    /**
     * Fills the batch with what is queued, waiting at most the linger time ({@link #LINGER_MS}) for more. Without the
     * wait a writer that keeps up commits almost every row alone (median batch 1 row at 8,000
     * statuses/s), and each transaction rewrites the same index and box_latest pages for one row.
     */
    private void gather(List<Queued> batch) {
        long until = System.nanoTime() + lingerNanos;
        while (batch.size() < maxBatch && running) {
            queue.drainTo(batch, maxBatch - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= maxBatch || left <= 0) {
                return;
            }
            try {
                // In slices, so that close() is not kept waiting for a long linger.
                Queued next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
                if (next != null) {
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                // close() interrupts only to stop waiting: write what was gathered.
                running = false;
                return;
            }
        }
    }

    /** Writes the batch, retrying with backoff while the store fails; false only when stopped before it could. */
    private boolean writeUntilDone(List<BoxRecord> batch) {
        long backoffMs = 100;
        boolean failing = false;
        while (true) {
            try {
                write(batch);
                failingSince = 0;
                if (failing) {
                    log.info("store writes recovered; {} rows written", batch.size());
                }
                return true;
            } catch (SQLException e) {
                metrics.storeFailure();
                closeConnection();
                if (!failing) {
                    log.warn("store write of {} rows failed, retrying with backoff: {}", batch.size(), e.getMessage());
                    failing = true;
                    if (failingSince == 0) {
                        failingSince = System.currentTimeMillis();
                    }
                }
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    running = false;
                    Thread.currentThread().interrupt();
                }
                if (!running && Thread.currentThread().isInterrupted()) {
                    log.error("store writer stopped with {} unwritten rows after repeated failures", batch.size() + queue.size());
                    return false;
                }
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private void write(List<BoxRecord> batch) throws SQLException {
        if (connection == null) {
            connection = database.openWriterConnection();
        }
        long oldest = Long.MAX_VALUE;
        try (PreparedStatement status = connection.prepareStatement(INSERT_STATUS);
             PreparedStatement latestStatus = connection.prepareStatement(UPSERT_LATEST_STATUS);
             PreparedStatement latestBirth = connection.prepareStatement(UPSERT_LATEST_BIRTH);
             PreparedStatement latestPresence = connection.prepareStatement(UPSERT_LATEST_PRESENCE);
             PreparedStatement event = connection.prepareStatement(INSERT_EVENT)) {
            // A burst (a box replaying its outbox, a whole fleet reconnecting) brings several statuses of one
            // box per batch; box_latest needs only the last live one, and rewriting its ~1.5 KB JSON for each
            // was a large share of the writer's work.
            Map<String, BoxRecord.Status> newestStatus = new HashMap<>();
            for (BoxRecord w : batch) {
                oldest = Math.min(oldest, w.receivedAt());
                if (w instanceof BoxRecord.Status s) {
                        status.setString(1, s.boxId());
                        status.setString(2, s.bootId());
                        status.setLong(3, s.seq());
                        status.setLong(4, s.receivedAt());
                        status.setLong(5, s.ts());
                        status.setString(6, s.json());
                        status.addBatch();
                        if (s.live()) {
                            newestStatus.put(s.boxId(), s);
                        }
                } else if (w instanceof BoxRecord.Birth b) {
                        latestBirth.setString(1, b.boxId());
                        latestBirth.setLong(2, b.receivedAt());
                        latestBirth.setString(3, b.bootId());
                        latestBirth.setString(4, b.json());
                        latestBirth.addBatch();
                } else if (w instanceof BoxRecord.Presence p) {
                        latestPresence.setString(1, p.boxId());
                        latestPresence.setLong(2, p.receivedAt());
                        latestPresence.setInt(3, p.online() ? 1 : 0);
                        latestPresence.addBatch();
                } else if (w instanceof BoxRecord.Event e) {
                        event.setString(1, e.boxId());
                        event.setLong(2, e.receivedAt());
                        event.setString(3, e.kind());
                        event.setString(4, e.detail());
                        event.addBatch();
                }
            }
            for (BoxRecord.Status s : newestStatus.values()) {
                latestStatus.setString(1, s.boxId());
                latestStatus.setLong(2, s.receivedAt());
                latestStatus.setString(3, s.bootId());
                latestStatus.setString(4, s.json());
                latestStatus.setLong(5, s.receivedAt());
                latestStatus.setLong(6, s.seq());
                latestStatus.addBatch();
            }
            status.executeBatch();
            latestStatus.executeBatch();
            latestBirth.executeBatch();
            latestPresence.executeBatch();
            event.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // The connection is closed and reopened by the caller anyway.
            }
            throw e;
        }
        written.addAndGet(batch.size());
        metrics.storeBatch(batch.size(), oldest);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing writer connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    /** Stops taking rows, writes what is queued, and waits for the writer thread (bounded). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
