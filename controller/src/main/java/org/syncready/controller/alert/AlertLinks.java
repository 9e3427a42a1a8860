package org.syncready.controller.alert;

/**
 * The addresses messages point to, under the controller's public URL ({@code --public-url}). Until
 * the web console lands, a session's link is its readiness in the API; this is the one place to
 * change when the console page exists.
 */
public final class AlertLinks {
    private final java.util.function.Supplier<String> base;
    private final AckTokens tokens;

    /** {@code publicUrl} is asked each time: the HTTP port is known only once the server listens. */
    public AlertLinks(java.util.function.Supplier<String> publicUrl, AckTokens tokens) {
        this.base = publicUrl;
        this.tokens = tokens;
    }

    public String publicUrl() {
        String u = base.get();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    String session(String sessionId) {
        return publicUrl() + "/api/v1/sessions/" + sessionId + "/readiness";
    }

    /** A signed, expiring link that acknowledges the notice's problems (after a confirmation page). */
    String ack(long noticeId) {
        return publicUrl() + "/api/v1/alerts/ack/" + tokens.issue(noticeId);
    }

    public AckTokens tokens() {
        return tokens;
    }
}
