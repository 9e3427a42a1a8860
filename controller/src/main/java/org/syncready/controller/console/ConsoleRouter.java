package org.syncready.controller.console;

import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Principal;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.ApiRoutes;
import org.syncready.controller.api.Policy;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.refusal.Refusal;

/**
 * What a {@link PageGroup} mounts its pages with. Every page, action and stream goes through the API's
 * {@link ApiRoutes} with its {@link Policy} marked {@link Policy#page()}: the same authentication, role
 * and school checks as {@code /api/v1}, the same route table and access tests. Refusals and failures of
 * console routes are answered as pages here (a browser not logged in is sent to the login form).
 */
public final class ConsoleRouter {
    private static final Logger log = LoggerFactory.getLogger(ConsoleRouter.class);
    /** Pages allow only our own scripts; htmx and ECharts set inline styles. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ApiRoutes routes;
    private final ApiContext api;
    private final TemplateEngine templates;
    private final Assets assets;
    private final FleetRegistry registry;
    private final List<NavItem> nav = new ArrayList<>();

    ConsoleRouter(ApiRoutes routes, ApiContext api, TemplateEngine templates, Assets assets, FleetRegistry registry) {
        this.routes = routes;
        this.api = api;
        this.templates = templates;
        this.assets = assets;
        this.registry = registry;
    }

    void addNav(List<NavItem> items) {
        nav.addAll(items);
        nav.sort(Comparator.comparingInt(NavItem::order));
    }

    // ------------------------------------------------------------------ mounting

    /** A page ({@code GET}): {@code policy} decides who sees it, as for the API. */
    public Route page(String path, Policy policy, Handler<RoutingContext> handler) {
        return routes.get(path, policy.page(), handler).failureHandler(this::failed);
    }

    /**
     * A state-changing request from a page (an htmx {@code hx-post}, a form): its policy must say how it is
     * audited; with the session cookie it must carry the CSRF token (htmx sends it from {@code <body hx-headers>}).
     */
    public Route action(HttpMethod method, String path, Policy policy, Handler<RoutingContext> handler) {
        return routes.route(method, path, policy.page(), handler).failureHandler(this::failed);
    }

    /**
     * A file upload from a page (multipart, one file part, read in memory up to {@code limit} bytes; the form's
     * other fields in {@code ctx.request().formAttributes()}): mount it from {@link PageGroup#mountUploads}. Its
     * policy is checked before the body is read; the CSRF token comes in the header (htmx sends it).
     */
    public Route upload(String path, Policy policy, long limit, Handler<RoutingContext> handler) {
        return routes.post(path, policy.page(), ApiRoutes.fileUpload(limit), handler).failureHandler(this::failed);
    }

    /** A Server-Sent Events stream, checked like a page; the handler opens an {@link EventStream}. */
    public Route stream(String path, Policy policy, Handler<RoutingContext> handler) {
        return routes.get(path, policy.page(), handler).failureHandler(this::failed);
    }

    // ------------------------------------------------------------------ what handlers use

    public ApiContext api() {
        return api;
    }

    public FleetRegistry registry() {
        return registry;
    }

    public Assets assets() {
        return assets;
    }

    /** Who is asking (null on an open route). */
    public static Principal principal(RoutingContext ctx) {
        return ApiContext.principal(ctx);
    }

    public static Texts texts(RoutingContext ctx) {
        return Texts.of(Lang.of(ctx));
    }

    /** The layout's data for this request: {@code nav} the current entry, {@code title} already in the user's language. */
    public Frame frame(RoutingContext ctx, String nav, String title) {
        Lang lang = Lang.of(ctx);
        Texts t = Texts.of(lang);
        Principal p = principal(ctx);
        String path = ctx.request().uri();
        if (p == null) {
            return new Frame(lang, t, null, null, List.of(), null, title, nav, List.of(), assets, path);
        }
        List<String> schools = p.schools().stream().sorted()
                .map(id -> registry.school(id).map(t::school).orElse(id)).toList();
        List<NavItem> visible = this.nav.stream().filter(n -> n.roles().contains(p.role())).toList();
        String name = p.user().displayName() == null || p.user().displayName().isBlank() ? p.username() : p.user().displayName();
        return new Frame(lang, t, name, t.role(p.role()), schools, p.csrfToken(), title, nav, visible, assets, path);
    }

    /** Renders {@code template} (a path under src/main/jte, e.g. {@code today/today.jte}) with these parameters, 200. */
    public void render(RoutingContext ctx, String template, Map<String, Object> params) {
        render(ctx, 200, template, params);
    }

    public void render(RoutingContext ctx, int status, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput(16 * 1024);
        templates.render(template, params, out);
        send(ctx, status, out.toString());
    }

    /**
     * Sends a page or fragment, gzipped when the browser takes it and it is worth it (Today's HTML is ~60 KB
     * of repetitive markup, ~5 KB gzipped); a few hundred microseconds of CPU on the event loop.
     */
    static void send(RoutingContext ctx, int status, String body) {
        io.vertx.core.http.HttpServerResponse r = html(ctx, status).putHeader("Vary", "Accept-Encoding");
        String accept = ctx.request().getHeader("Accept-Encoding");
        if (body.length() > 1024 && accept != null && accept.contains("gzip")) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(body.length() / 6 + 64);
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(bytes)) {
                z.write(body.getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            r.putHeader("Content-Encoding", "gzip").end(io.vertx.core.buffer.Buffer.buffer(bytes.toByteArray()));
        } else {
            r.end(body);
        }
    }

    /** Renders a template to text: an SSE event's HTML, a fragment. */
    public String renderToString(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput(4 * 1024);
        templates.render(template, params, out);
        return out.toString();
    }

    /** Answers an htmx request with a fragment (no layout), 200. */
    public void renderFragment(RoutingContext ctx, String template, Map<String, Object> params) {
        if (ctx.response().ended()) {
            return;
        }
        send(ctx, 200, renderToString(template, params));
    }

    /** Parameters in order: {@code params("f", frame, "v", view)}. */
    public static Map<String, Object> params(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    /**
     * Runs store work (or anything that blocks) on a worker, then {@code then} on the event loop; a
     * failure becomes an error page.
     */
    public <T> void blocking(RoutingContext ctx, Callable<T> work, Consumer<T> then) {
        api.vertx().executeBlocking(work, false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
                return;
            }
            try {
                then.accept(r.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }

    static io.vertx.core.http.HttpServerResponse html(RoutingContext ctx, int status) {
        return ctx.response().setStatusCode(status).putHeader("content-type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", CSP).putHeader("X-Frame-Options", "DENY")
                .putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "same-origin")
                .putHeader("X-Content-Type-Options", "nosniff");
    }

    // ------------------------------------------------------------------ refusals and failures

    /** The error view: the status, and a sentence in the user's language (the API's bilingual message below it). */
    public record ErrorView(int status, String heading, String detail) {
    }

    /**
     * A console route's refusal (from its policy) or failure: a browser not logged in goes to the login
     * form and comes back; a stream gets a bare status (EventSource shows nothing anyway); a page gets an
     * error page in the user's language.
     */
    void failed(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        Throwable failure = ctx.failure();
        int status;
        String message;
        if (failure instanceof ApiException e) {
            status = e.status();
            message = e.getMessage();
        } else if (failure instanceof Refusal r) {
            status = r.kind().httpStatus();
            message = r.getMessage();
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            status = ctx.statusCode();
            message = failure == null ? null : failure.getMessage();
        } else {
            log.error("console request failed: {} {}", ctx.request().method(), ctx.request().path(), failure);
            status = 500;
            message = null;
        }
        boolean stream = String.valueOf(ctx.request().getHeader("Accept")).contains("text/event-stream");
        if (status == 401 && ctx.request().method() == HttpMethod.GET && !stream) {
            ctx.response().setStatusCode(303).putHeader("Location", "/login?next="
                    + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8)).putHeader("Cache-Control", "no-store").end();
            return;
        }
        if (status == 401 && "true".equals(ctx.request().getHeader("HX-Request"))) {
            // htmx would swap the login page into a fragment: ask it to load the login page instead.
            ctx.response().setStatusCode(401).putHeader("HX-Redirect", "/login").end();
            return;
        }
        if (stream) {
            ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(status + "\n");
            return;
        }
        Texts t = texts(ctx);
        String key = switch (status) {
            case 401, 403, 404, 409, 429 -> "error." + status;
            default -> status >= 500 ? "error.500" : "error.400";
        };
        Frame frame = frame(ctx, "", t.t(key));
        render(ctx, status, "error.jte", params("f", frame, "e", new ErrorView(status, t.t(key), status >= 500 ? null : message)));
    }
}
