package org.syncready.protocol;

import java.util.regex.Pattern;

/** Field checks shared by the message records' compact constructors. */
final class Check {
    static final Pattern BOX_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Check() {
    }

    /** The envelope every message carries, checked first so an unknown version wins over missing fields. */
    static void envelope(int v, String boxId, long ts) {
        if (v != Protocol.VERSION) {
            throw new ProtocolViolation(ProtocolException.Reason.UNSUPPORTED_VERSION,
                    v == 0 ? "missing protocol version 'v'" : "unsupported protocol version v=" + v + " (this side speaks v=" + Protocol.VERSION + ")");
        }
        boxId(boxId);
        positive(ts, "ts");
    }

    static void agentEnvelope(int v, String boxId, long ts, String bootId, long seq) {
        envelope(v, boxId, ts);
        text(bootId, "bootId", 64);
        if (seq < 0) {
            throw invalid("seq", "must be >= 0, was " + seq);
        }
    }

    static void boxId(String boxId) {
        if (boxId == null) {
            throw missing("boxId");
        }
        if (!BOX_ID.matcher(boxId).matches()) {
            throw new ProtocolViolation(ProtocolException.Reason.BAD_BOX_ID,
                    "boxId must match [A-Za-z0-9_-]{1,64}, was '" + abbreviate(boxId) + "'");
        }
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    static String text(String value, String field, int maxLength) {
        present(value, field);
        if (value.isBlank() || value.length() > maxLength) {
            throw invalid(field, "must be 1.." + maxLength + " characters");
        }
        return value;
    }

    static <T> java.util.List<T> atMost(java.util.List<T> list, int max, String field) {
        if (list != null && list.size() > max) {
            throw invalid(field, "lists " + list.size() + " items; at most " + max + " are allowed");
        }
        return list;
    }

    static void positive(long value, String field) {
        if (value <= 0) {
            throw value == 0 ? missing(field) : invalid(field, "must be > 0, was " + value);
        }
    }

    static ProtocolViolation missing(String field) {
        return new ProtocolViolation(ProtocolException.Reason.MISSING_FIELD, "missing field '" + field + "'");
    }

    static ProtocolViolation invalid(String field, String why) {
        return new ProtocolViolation(ProtocolException.Reason.INVALID_FIELD, "field '" + field + "' " + why);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
