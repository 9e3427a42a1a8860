package org.syncready.controller.alert;

/**
 * The addresses messages point to, under the controller's public URL ({@code --public-url}). Until
 * the web console lands, a session's link is its readiness in the API; this is the one place to
 * change when the console page exists.
 */
public final class AlertLinks {
    private final String publicUrl;
    private final AckTokens tokens;

    public AlertLinks(String publicUrl, AckTokens tokens) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.tokens = tokens;
    }

    public String publicUrl() {
        return publicUrl;
    }

    String session(String sessionId) {
        return publicUrl + "/api/v1/sessions/" + sessionId + "/readiness";
    }

    /** A signed, expiring link that acknowledges the notice's problems (after a confirmation page). */
    String ack(long noticeId) {
        return publicUrl + "/api/v1/alerts/ack/" + tokens.issue(noticeId);
    }

    AckTokens tokens() {
        return tokens;
    }
}
