package org.syncready.controller.alert;

import java.net.URI;
import java.net.URISyntaxException;

/** Masks secrets in text shown to people: robot URLs carry their token in the query or the last path segment. */
final class SecretText {
    static final String MASK = "***";

    private SecretText() {
    }

    /**
     * {@code https://oapi.dingtalk.com/robot/send?access_token=***}: scheme, host and path stay (so a
     * person can tell which platform), the query values, user info and a Feishu hook id are masked.
     */
    static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI u = new URI(url);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            int hook = path.indexOf("/hook/");
            if (hook >= 0) {
                path = path.substring(0, hook + "/hook/".length()) + MASK;
            }
            StringBuilder s = new StringBuilder().append(u.getScheme()).append("://").append(u.getHost());
            if (u.getPort() >= 0) {
                s.append(':').append(u.getPort());
            }
            s.append(path);
            if (u.getRawQuery() != null) {
                s.append('?');
                String[] params = u.getRawQuery().split("&");
                for (int i = 0; i < params.length; i++) {
                    int eq = params[i].indexOf('=');
                    s.append(i == 0 ? "" : "&").append(eq < 0 ? params[i] : params[i].substring(0, eq + 1) + MASK);
                }
            }
            return s.toString();
        } catch (URISyntaxException | RuntimeException e) {
            return MASK;
        }
    }

    /** An error text from a platform or a library, cut short and with the URL's secrets masked. */
    static String scrub(String text, String url) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (url != null && !url.isEmpty()) {
            out = out.replace(url, maskUrl(url));
        }
        return out.length() > 300 ? out.substring(0, 300) + "…" : out;
    }
}
