package org.syncready.controller.account;

import java.time.Duration;

/** The outcome of checking a password, a token or a session cookie. */
public sealed interface Authentication {

    /** The credentials are good. */
    record Authenticated(Principal principal) implements Authentication {
    }

    /**
     * The credentials are not good. For passwords the message never says whether the user exists.
     *
     * @param reason {@code wrong_credentials}, {@code token_unknown}, {@code token_expired},
     *               {@code token_revoked}, {@code session_ended}, {@code user_disabled}
     */
    record Denied(String reason, String message) implements Authentication {
    }

    /** Too many recent failures for this user or this source: try again after {@code retryAfter}. */
    record Throttled(Duration retryAfter) implements Authentication {
    }
}
