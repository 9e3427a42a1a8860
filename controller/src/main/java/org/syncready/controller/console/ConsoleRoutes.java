package org.syncready.controller.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiRoutes;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.RouteGroup;
import org.syncready.controller.fleet.FleetRegistry;

/**
 * The web console on the API's router: its assets, {@code GET /} (the login form, or the home page once
 * logged in), the language switch, and every {@link PageGroup} — the one place page groups are
 * registered (the wiring passes them in: see {@code Controller}).
 */
public final class ConsoleRoutes implements RouteGroup {
    /** The home page after login, for every role. */
    public static final String HOME = "/console/today";
    /** The package the jte plugin generates the templates' classes into (controller/pom.xml). */
    static final String TEMPLATE_PACKAGE = "org.syncready.controller.console.templates";

    private final FleetRegistry registry;
    private final List<PageGroup> groups;
    private final Assets assets;
    private final TemplateEngine templates;
    private ConsoleRouter router;

    /** Reads the assets from the jar: call at start, not on an event loop. */
    public ConsoleRoutes(FleetRegistry registry, List<PageGroup> groups) {
        this.registry = registry;
        this.groups = List.copyOf(groups);
        this.assets = new Assets();
        this.templates = TemplateEngine.createPrecompiled(null, ContentType.Html, ConsoleRoutes.class.getClassLoader(), TEMPLATE_PACKAGE);
    }

    @Override
    public void mountStreaming(ApiRoutes routes, ApiContext api) {
        router = new ConsoleRouter(routes, api, templates, assets, registry);
        for (PageGroup g : groups) {
            g.mountUploads(router);
        }
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        ConsoleRouter router = this.router != null ? this.router : new ConsoleRouter(routes, api, templates, assets, registry);
        router.page(Assets.PREFIX + ":version/:name", Policy.open("the console's scripts and styles (htmx, ECharts, CSS): no data"),
                assets::serve);
        router.page("/", Policy.loggedIn(), ctx -> redirect(ctx, HOME));
        router.page("/console", Policy.loggedIn(), ctx -> redirect(ctx, HOME));
        router.page("/console/lang", Policy.open("the language switch: sets the language cookie and goes back"), this::switchLanguage);
        for (PageGroup g : groups) {
            router.addNav(g.nav());
        }
        for (PageGroup g : groups) {
            g.mount(router);
        }
    }

    private void switchLanguage(RoutingContext ctx) {
        Lang to = Lang.parse(ApiContext.param(ctx, "to"));
        ctx.response().addCookie(Cookie.cookie(Lang.COOKIE, to.tag()).setPath("/").setMaxAge(366L * 24 * 3600)
                .setSameSite(CookieSameSite.LAX).setSecure(ctx.request().isSSL()));
        redirect(ctx, localPath(ApiContext.param(ctx, "back"), HOME));
    }

    static void redirect(RoutingContext ctx, String to) {
        ctx.response().setStatusCode(303).putHeader("Location", to).putHeader("Cache-Control", "no-store").end();
    }

    /** {@code path} if it is a path on this site ("/..."), else {@code fallback}: never a redirect to another site. */
    public static String localPath(String path, String fallback) {
        if (path == null || !path.startsWith("/") || path.startsWith("//") || path.contains("\\")
                || path.chars().anyMatch(c -> c < 0x20)) {
            return fallback;
        }
        return path;
    }
}
