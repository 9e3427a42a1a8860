package org.syncready.controller.opcua;

import java.util.Optional;

/**
 * Who may log in to the OPC UA server: a user name and password token checked against SyncReady's
 * accounts. Called on Milo's threads, off any event loop; it may block (password hashing) and should
 * throttle repeated failures itself, as the HTTP login does.
 */
@FunctionalInterface
public interface OpcUaUsers {
    /** Nobody: every login is refused (no accounts configured). */
    OpcUaUsers NOBODY = (username, password, source) -> Optional.empty();

    /**
     * The user, with role and schools, when the password is right and the account may log in; empty
     * otherwise (never saying which of the two was wrong).
     *
     * @param source the client's address, for throttling and logs
     */
    Optional<OpcUaPrincipal> authenticate(String username, String password, String source);
}
