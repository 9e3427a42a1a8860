package org.syncready.controller.store;

/**
 * The database failed (disk full, file locked too long, schema damaged). Unchecked: the domain's
 * store interfaces do not name a storage technology, and nothing in the domain can repair a failed
 * disk; threads catch it at their top (the API answers 500, the readiness thread logs and goes on).
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
