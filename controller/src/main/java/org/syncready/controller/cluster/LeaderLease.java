package org.syncready.controller.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which controller node runs the jobs that must run once (readiness checks, rollout ticks, alerts,
 * retention). On PostgreSQL the leader is the node holding a session-level advisory lock on a
 * connection of its own, outside the pool: PostgreSQL frees the lock the moment that connection ends,
 * so a killed node (its socket closed by the kernel) loses it at once and another node takes it at its
 * next round. Each round (every few seconds, on the lease's own thread, never an event loop) a follower
 * tries the lock and the leader runs a query on its connection; when that fails the leader steps down
 * at once, before PostgreSQL may have noticed, so two nodes never both believe they lead for longer than
 * one round. The lock's session shortens its server-side TCP keep-alive, so a node whose host vanished
 * (no FIN) loses the lock within about half a minute too.
 *
 * <p>With SQLite there is one node and it is always the leader ({@link #always}).
 */
public final class LeaderLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);
    /** How long close() waits for a round in progress (a lock session's queries time out after 5 s). */
    private static final int QUERY_TIMEOUT_S = 5;

    /**
     * The lock, on a session of its own (implemented in the store package on a dedicated PostgreSQL
     * connection, by a fake in tests). Every method blocks; a failure is thrown.
     */
    public interface LockSession extends AutoCloseable {
        /** Tries to take the lock without waiting; true when this session holds it now. */
        boolean tryTake() throws Exception;

        /** Checks that the session (and so the lock it holds) is still alive; throws when it is not. */
        void confirm() throws Exception;

        /** Ends the session, which frees the lock; never throws. */
        @Override
        void close();
    }

    /** Opens a new lock session. */
    @FunctionalInterface
    public interface Connector {
        LockSession open() throws Exception;
    }

    private final String nodeId;
    private final Connector connector;
    private final Duration every;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;
    private volatile boolean leader;
    private LockSession connection;
    /** The last failure to reach the store, logged once until it changes or the store answers again. */
    private String lastProblem;

    private LeaderLease(String nodeId, Connector connector, Duration every, boolean leader) {
        this.nodeId = nodeId;
        this.connector = connector;
        this.every = every;
        this.leader = leader;
        this.thread = connector == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leader-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** The only node (SQLite): always the leader. */
    public static LeaderLease always(String nodeId) {
        return new LeaderLease(nodeId, null, Duration.ZERO, true);
    }

    /** A node among several on one PostgreSQL database; a follower until its first round takes the lock. */
    public static LeaderLease postgresql(String nodeId, Connector connector, Duration every) {
        return new LeaderLease(nodeId, connector, every, false);
    }

    /** Runs the first round now (so the node knows at once whether it leads), then one every period. */
    public LeaderLease start() {
        if (thread == null) {
            log.info("node={} is the leader (one node: SQLite store)", nodeId);
            tell(true);
            return this;
        }
        try {
            thread.submit(this::round).get();
        } catch (Exception e) {
            log.warn("node={}: first leader round failed: {}", nodeId, e.toString());
        }
        thread.scheduleWithFixedDelay(this::round, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Told true when this node becomes the leader and false when it steps down, on the lease's thread; must not block long. */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    public boolean isLeader() {
        return leader;
    }

    public String nodeId() {
        return nodeId;
    }

    /** One round: a follower tries the lock, the leader checks its session still answers. */
    void round() {
        try {
            if (connection == null) {
                connection = connector.open();
            }
            if (leader) {
                // The lock lives as long as its session: the session answering is the lease being held.
                connection.confirm();
            } else if (connection.tryTake()) {
                log.info("node={} became the leader (PostgreSQL advisory lock taken)", nodeId);
                leader = true;
                tell(true);
            }
            if (lastProblem != null) {
                log.info("node={}: leader lease reaches the store again", nodeId);
                lastProblem = null;
            }
        } catch (Exception e) {
            String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            if (!problem.equals(lastProblem)) {
                log.warn("node={}: leader lease cannot reach the store: {}", nodeId, problem);
                lastProblem = problem;
            }
            dropConnection();
            if (leader) {
                log.warn("node={} stepped down as leader (its lock connection failed)", nodeId);
                leader = false;
                tell(false);
            }
        }
    }

    private void tell(boolean leading) {
        for (Consumer<Boolean> l : listeners) {
            try {
                l.accept(leading);
            } catch (RuntimeException e) {
                log.warn("node={}: a leadership listener failed: {}", nodeId, e.toString());
            }
        }
    }

    private void dropConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Steps down (closing the connection frees the lock at once) and stops the rounds. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(QUERY_TIMEOUT_S + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean was = leader;
        leader = false;
        dropConnection();
        if (was) {
            log.info("node={} stepped down as leader (stopping)", nodeId);
        }
    }
}
