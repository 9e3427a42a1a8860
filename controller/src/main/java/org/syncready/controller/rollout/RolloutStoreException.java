package org.syncready.controller.rollout;

/**
 * The store could not read or write rollout state (a full disk, a broken database). Unchecked: it is
 * not the caller's fault and nothing in the rollout package can fix it; the API answers 500 and the
 * rollout thread logs it and goes on with the next tick.
 */
public final class RolloutStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RolloutStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
