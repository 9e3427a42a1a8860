package org.syncready.controller.console.tasks;

import io.vertx.ext.web.RoutingContext;

/** After a form's change succeeded: 303 to the page that shows the result (a reload does not post again). */
final class Redirect {
    private Redirect() {
    }

    /** A path segment or query value as it goes into the {@code Location} (ids and names typed by people). */
    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static void to(RoutingContext ctx, String path) {
        ctx.response().setStatusCode(303).putHeader("Location", path).putHeader("Cache-Control", "no-store").end();
    }
}
