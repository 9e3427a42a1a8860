package org.syncready.agent.camera;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * URLs as they may appear in status and logs: without user info and without query parameters that
 * look like secrets. Camera URLs from configuration or from an ONVIF camera can carry both.
 */
public final class SafeUri {
    private SafeUri() {
    }

    /** {@code rtsp://admin:pw@host/x?token=1&ch=1} → {@code rtsp://host/x?token=***&ch=1}; unparsable input is cut to its scheme. */
    public static String redact(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            URI u = new URI(uri);
            if (u.getHost() == null) {
                return redactUnparsed(uri);
            }
            StringBuilder out = new StringBuilder();
            out.append(u.getScheme()).append("://").append(u.getHost().contains(":") && !u.getHost().startsWith("[")
                    ? "[" + u.getHost() + "]" : u.getHost());
            if (u.getPort() >= 0) {
                out.append(':').append(u.getPort());
            }
            if (u.getRawPath() != null) {
                out.append(u.getRawPath());
            }
            if (u.getRawQuery() != null) {
                out.append('?').append(redactQuery(u.getRawQuery()));
            }
            return out.toString();
        } catch (URISyntaxException e) {
            return redactUnparsed(uri);
        }
    }

    /** {@code text} with every occurrence of {@code secret} (when it is not blank) replaced by ***. */
    public static String scrub(String text, String secret) {
        if (text == null || secret == null || secret.isBlank()) {
            return text;
        }
        return text.replace(secret, "***");
    }

    private static String redactUnparsed(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            return uri.substring(0, scheme + 3) + uri.substring(at + 1).replaceAll("\\?.*", "?***");
        }
        return uri.replaceAll("\\?.*", "?***");
    }

    private static String redactQuery(String query) {
        StringBuilder out = new StringBuilder();
        for (String part : query.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            if (eq >= 0 && key.toLowerCase(java.util.Locale.ROOT)
                    .matches(".*(pass|pwd|token|key|secret|auth|sign|user).*")) {
                out.append(key).append("=***");
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }
}
