package org.syncready.controller.opcua;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AbstractUsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.DefaultUsernameIdentity;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User name and password tokens, checked against SyncReady's accounts ({@link OpcUaUsers}); the
 * session's identity carries the {@link OpcUaPrincipal} (role and schools) every later request is
 * judged by. A refused login is logged once per user and client address a minute, never with the
 * password. Milo decrypts the token first (it is encrypted with the server's key even on the None
 * endpoint, by the username token policy's Basic256Sha256).
 */
final class UserLogins extends AbstractUsernameIdentityValidator {
    private static final Logger log = LoggerFactory.getLogger(UserLogins.class);
    private static final long QUIET_MS = 60_000;
    private static final int REMEMBERED = 1_000;

    private final OpcUaUsers users;
    /** Last time a refusal was logged, by user and address; bounded (oldest forgotten). */
    private final Map<String, Long> refusedLogged = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    UserLogins(OpcUaUsers users) {
        this.users = users;
    }

    @Override
    protected Identity.UsernameIdentity authenticateUsernamePassword(Session session, String username, String password) {
        InetAddress address = session.getClientAddress();
        String source = address == null ? "unknown" : address.getHostAddress();
        Optional<OpcUaPrincipal> who;
        try {
            who = users.authenticate(username, password, source);
        } catch (RuntimeException e) {
            log.warn("OPC UA login of user={} source={} could not be checked: {}", safe(username), source, e.toString());
            return null;
        }
        if (who.isEmpty()) {
            refused(username, source);
            return null;
        }
        DefaultUsernameIdentity identity = new DefaultUsernameIdentity(who.get().username());
        identity.setUserData(who.get());
        log.info("OPC UA session user={} role={} source={}", who.get().username(), who.get().role(), source);
        return identity;
    }

    private void refused(String username, String source) {
        String key = safe(username) + "|" + source;
        long now = System.currentTimeMillis();
        synchronized (refusedLogged) {
            Long last = refusedLogged.get(key);
            if (last != null && now - last < QUIET_MS) {
                return;
            }
            refusedLogged.put(key, now);
        }
        log.info("OPC UA login refused user={} source={} (wrong user name or password; repeats are logged once a minute)",
                safe(username), source);
    }

    /** A user name as typed, kept printable and short for the log. */
    private static String safe(String username) {
        String s = username == null ? "" : username.replaceAll("[^\\p{Graph}]", "?");
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
