package org.syncready.controller.console.tasks;

import io.vertx.ext.web.RoutingContext;

/** After a form's change succeeded: 303 to the page that shows the result (a reload does not post again). */
final class Redirect {
    private Redirect() {
    }

    static void to(RoutingContext ctx, String path) {
        ctx.response().setStatusCode(303).putHeader("Location", path).putHeader("Cache-Control", "no-store").end();
    }
}
