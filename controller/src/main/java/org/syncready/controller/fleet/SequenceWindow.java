package org.syncready.controller.fleet;

/**
 * Duplicate and gap detection over one boot's {@code seq} numbers. It remembers the highest seq and
 * which of the 64 before it were seen, so a message that arrives a little late is still accepted while
 * a redelivered one is dropped. Not thread-safe: the owning box state synchronizes.
 */
final class SequenceWindow {
    private static final int WIDTH = 64;

    /** What one seq number turned out to be; {@code missed} counts the numbers skipped before it. */
    record Verdict(boolean duplicate, long missed) {
        static final Verdict DUPLICATE = new Verdict(true, 0);
        static final Verdict IN_ORDER = new Verdict(false, 0);
    }

    private long highest = -1;
    private long seen;

    Verdict accept(long seq) {
        if (highest < 0) {
            highest = seq;
            seen = 1;
            return Verdict.IN_ORDER;
        }
        if (seq > highest) {
            long shift = seq - highest;
            seen = shift >= WIDTH ? 1 : (seen << shift) | 1;
            long missed = shift - 1;
            highest = seq;
            return missed == 0 ? Verdict.IN_ORDER : new Verdict(false, missed);
        }
        long back = highest - seq;
        if (back >= WIDTH) {
            return Verdict.DUPLICATE;
        }
        long bit = 1L << back;
        if ((seen & bit) != 0) {
            return Verdict.DUPLICATE;
        }
        seen |= bit;
        return Verdict.IN_ORDER;
    }
}
