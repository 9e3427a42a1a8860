package org.syncready.protocol;

/** Shared helpers for the protocol's lower-case enum values. */
final class Enums {
    private Enums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        for (E e : type.getEnumConstants()) {
            if (e.toString().equals(value)) {
                return e;
            }
        }
        throw Check.invalid(field, "has unknown value '" + value + "'");
    }
}
