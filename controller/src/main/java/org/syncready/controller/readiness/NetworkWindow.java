package org.syncready.controller.readiness;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.syncready.protocol.NetworkStatus;

/**
 * Recent RTT, jitter and loss figures of each box, so that one echo burst never decides a severity.
 *
 * <p>A status carries the figures of the box's latest echo burst; a box reports every 10 s but bursts
 * every 60 s, so a figure identical to the previous one is the same burst and is not counted again.
 * A figure is judged on the <em>low median</em> of the last {@code samples} distinct ones no older than
 * {@code maxAgeMs} (with 2 figures the lower one): a single blip never raises a level, a fault is
 * seen once half the window shows it. A raised level falls back only when the median drops below
 * {@code recoverAt} × its limit, so a figure hovering at the limit does not flap (and open and close
 * incidents) every round. Hysteresis state is kept per box, session kind and figure.
 *
 * <p>Bounded: one entry per box that reported, {@code samples} figures each. Thread-safe.
 */
final class NetworkWindow {
    /** The figures judged over the window. */
    enum Figure {
        RTT, JITTER, LOSS
    }

    /** The level a figure is at. */
    enum Level {
        NONE, WARNING, BLOCKING
    }

    /** The medians over the window, null where no sample has the figure; {@code samples} counted. */
    record Medians(Double rttMs, Double jitterMs, Double lossPct, int samples) {
        Double of(Figure f) {
            return switch (f) {
                case RTT -> rttMs;
                case JITTER -> jitterMs;
                case LOSS -> lossPct;
            };
        }
    }

    private record Sample(long at, Double rtt, Double jitter, Double loss) {
        boolean sameFigures(Sample o) {
            return Objects.equals(rtt, o.rtt) && Objects.equals(jitter, o.jitter) && Objects.equals(loss, o.loss);
        }
    }

    private static final class BoxWindow {
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        long lastReceivedAt = Long.MIN_VALUE;
        /** The medians of all samples, computed when one is added; valid while its oldest sample is young enough. */
        Medians cached;
        long cachedOldestAt;
        /** By slot (session kind x figure); null until judged. */
        final Level[] levels = new Level[SLOTS];
    }

    /** Hysteresis slots per box: one per session kind and figure. */
    static final int SLOTS = org.syncready.controller.schedule.SessionKind.values().length * Figure.values().length;

    private final int size;
    private final long maxAgeMs;
    private final double recoverAt;
    private final ConcurrentHashMap<String, BoxWindow> boxes = new ConcurrentHashMap<>();

    NetworkWindow(ReadinessRules.Window rules) {
        this.size = rules.samples();
        this.maxAgeMs = rules.maxAgeS() * 1000L;
        this.recoverAt = rules.recoverAt();
    }

    /** Takes the figures of a status once (by its receive time); repeated calls for one status change nothing. */
    void observe(String boxId, long receivedAt, NetworkStatus n) {
        if (n == null) {
            return;
        }
        BoxWindow w = boxes.get(boxId);
        if (w == null) {
            w = boxes.computeIfAbsent(boxId, k -> new BoxWindow());
        }
        synchronized (w) {
            if (receivedAt <= w.lastReceivedAt) {
                return;
            }
            w.lastReceivedAt = receivedAt;
            Sample s = new Sample(receivedAt, n.rttMs(), n.jitterMs(), n.lossPct());
            if (s.rtt() == null && s.jitter() == null && s.loss() == null) {
                return;
            }
            Sample last = w.samples.peekLast();
            if (last != null && last.sameFigures(s)) {
                return;
            }
            w.samples.addLast(s);
            while (w.samples.size() > size) {
                w.samples.removeFirst();
            }
            w.cached = null;
        }
    }

    Medians medians(String boxId, long now) {
        BoxWindow w = boxes.get(boxId);
        if (w == null) {
            return new Medians(null, null, null, 0);
        }
        synchronized (w) {
            // Sweeps judge a box far more often than it reports: the medians change only with a sample or with age.
            if (w.cached != null && now - w.cachedOldestAt <= maxAgeMs) {
                return w.cached;
            }
            double[] rtt = new double[w.samples.size()];
            double[] jitter = new double[rtt.length];
            double[] loss = new double[rtt.length];
            int nr = 0;
            int nj = 0;
            int nl = 0;
            int count = 0;
            for (Sample s : w.samples) {
                if (now - s.at() > maxAgeMs) {
                    continue;
                }
                count++;
                if (s.rtt() != null) {
                    rtt[nr++] = s.rtt();
                }
                if (s.jitter() != null) {
                    jitter[nj++] = s.jitter();
                }
                if (s.loss() != null) {
                    loss[nl++] = s.loss();
                }
            }
            Medians m = new Medians(lowMedian(rtt, nr), lowMedian(jitter, nj), lowMedian(loss, nl), count);
            Sample oldest = w.samples.peekFirst();
            if (oldest != null && count == w.samples.size()) {
                w.cached = m;
                w.cachedOldestAt = oldest.at();
            }
            return m;
        }
    }

    /**
     * The level of one figure for one session kind: raised at once to what the median reaches, lowered
     * only when the median is under {@code recoverAt} × the limit of the current level. Idempotent for
     * the same window, so a preview and a sweep judging the same box agree.
     */
    Level level(String boxId, org.syncready.controller.schedule.SessionKind kind, Figure figure, double median, double warnAt,
                double blockAt) {
        BoxWindow w = boxes.get(boxId);
        if (w == null) {
            w = boxes.computeIfAbsent(boxId, k -> new BoxWindow());
        }
        synchronized (w) {
            int slot = kind.ordinal() * Figure.values().length + figure.ordinal();
            Level current = w.levels[slot] == null ? Level.NONE : w.levels[slot];
            Level enter = median > blockAt ? Level.BLOCKING : median > warnAt ? Level.WARNING : Level.NONE;
            Level stay = median > blockAt * recoverAt ? Level.BLOCKING : median > warnAt * recoverAt ? Level.WARNING : Level.NONE;
            Level kept = current.compareTo(stay) < 0 ? current : stay;
            Level next = enter.compareTo(kept) > 0 ? enter : kept;
            w.levels[slot] = next;
            return next;
        }
    }

    /** Forgets a box (deregistered). */
    void forget(String boxId) {
        boxes.remove(boxId);
    }

    private static Double lowMedian(double[] values, int n) {
        if (n == 0) {
            return null;
        }
        double[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        return v[(n - 1) / 2];
    }
}
