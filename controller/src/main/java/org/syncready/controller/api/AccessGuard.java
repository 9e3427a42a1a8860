package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Authentication;
import org.syncready.controller.account.Principal;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.audit.SecretMask;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * The first handler of every route: checks its {@link Policy}. Authenticates (API token, HTTP Basic
 * with a password, or the web session cookie, in that order), checks the CSRF token of state-changing
 * requests made with the cookie, the role, and for school-scoped roles the resource's school; then
 * arranges the audit entry of a state-changing route. Account lookups and password checks run on a
 * worker; the request is paused meanwhile so a body handler after this one still gets the body.
 */
final class AccessGuard {
    private static final Logger log = LoggerFactory.getLogger(AccessGuard.class);
    static final String SESSION_COOKIE = "syncready_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSRF_FIELD = "_csrf";
    static final String PRINCIPAL = "syncready.principal";
    static final String AUDIT_TARGET = "syncready.audit.target";
    static final String AUDIT_DETAIL = "syncready.audit.detail";
    private static final String CHALLENGE = "Bearer realm=\"SyncReady\"";
    private static final int MAX_DETAIL = 4000;

    private final ApiContext api;
    private final Accounts accounts;
    private final AuditLog audit;
    private final ControllerMetrics metrics;
    private final Map<Policy.RateLimit, SourceBuckets> limiters = new ConcurrentHashMap<>();

    AccessGuard(ApiContext api, Accounts accounts, AuditLog audit, ControllerMetrics metrics) {
        this.api = api;
        this.accounts = accounts;
        this.audit = audit;
        this.metrics = metrics;
    }

    Handler<RoutingContext> handler(Policy policy) {
        return ctx -> check(policy, ctx);
    }

    private void check(Policy policy, RoutingContext ctx) {
        switch (policy.access()) {
            case OPEN, BOX, BROKER -> ctx.next();
            case ANONYMOUS_LIMITED -> {
                Duration wait = limiters.computeIfAbsent(policy.rateLimit(), SourceBuckets::new).take(source(ctx));
                if (wait.isZero()) {
                    ctx.next();
                } else {
                    metrics.apiAuth("rate_limited");
                    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
                    api.fail(ctx, new ApiException(429, "too_many_requests", "too many requests from your address; retry later"
                            + " / 请求过于频繁，请稍后再试"));
                }
            }
            case LOOPBACK_OR_ROLES -> {
                if (loopback(ctx)) {
                    ctx.next();
                } else {
                    authenticate(policy, ctx);
                }
            }
            case LOGGED_IN, ROLES -> authenticate(policy, ctx);
        }
    }

    // ------------------------------------------------------------------ authentication

    /** What the request presents. */
    private record Presented(String scheme, String user, String secret) {
    }

    private static Presented presented(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null) {
            String h = header.strip();
            int space = h.indexOf(' ');
            String scheme = space < 0 ? h : h.substring(0, space);
            String value = space < 0 ? "" : h.substring(space + 1).strip();
            if (scheme.equalsIgnoreCase("Bearer")) {
                return new Presented("bearer", null, value);
            }
            if (scheme.equalsIgnoreCase("Basic")) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon > 0) {
                        return new Presented("basic", decoded.substring(0, colon), decoded.substring(colon + 1));
                    }
                } catch (IllegalArgumentException e) {
                    // Malformed: refused below like any bad credential.
                }
                return new Presented("malformed", null, null);
            }
            return new Presented("malformed", null, null);
        }
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        if (cookie != null) {
            return new Presented("session", null, cookie.getValue());
        }
        return null;
    }

    /** The outcome of the checks made on a worker: the principal (if any) and the refusal (if any). */
    private record Decision(Principal principal, ApiException refusal, Duration retryAfter) {
    }

    private void authenticate(Policy policy, RoutingContext ctx) {
        Presented presented = presented(ctx);
        if (presented == null || presented.scheme().equals("malformed")) {
            metrics.apiAuth(presented == null ? "anonymous" : "malformed");
            unauthorized(policy, ctx, presented == null
                    ? "log in first: Authorization: Bearer <token>, HTTP Basic, or the session cookie from POST /login / 请先登录"
                    : "the Authorization header must be 'Bearer <token>' or 'Basic <base64 user:password>' / 认证头格式错误");
            return;
        }
        String source = source(ctx);
        boolean pause = !ctx.request().isEnded();
        if (pause) {
            ctx.request().pause();
        }
        api.vertx().executeBlocking(() -> decide(policy, ctx, presented, source), false).onComplete(result -> {
            if (pause) {
                ctx.request().resume();
            }
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            Decision d = result.result();
            if (d.principal() != null) {
                ctx.put(PRINCIPAL, d.principal());
                if (policy.audit() != null && policy.audit().kind() == Policy.Audit.Kind.ACTION) {
                    Actor actor = new Actor(d.principal().username(), source);
                    ctx.addEndHandler(v -> auditEnd(ctx, actor, policy.audit().text()));
                }
            }
            if (d.refusal() == null) {
                ctx.next();
            } else if (d.refusal().status == 401) {
                unauthorized(policy, ctx, d.refusal().getMessage());
            } else {
                if (d.retryAfter() != null) {
                    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (d.retryAfter().toMillis() + 999) / 1000)));
                }
                refuse(policy, ctx, d.refusal());
            }
        });
    }

    /** On a worker: who it is, then CSRF, role and school. */
    private Decision decide(Policy policy, RoutingContext ctx, Presented presented, String source) throws Exception {
        Authentication a = switch (presented.scheme()) {
            case "bearer" -> accounts.bearer(presented.secret());
            case "basic" -> accounts.login(presented.user(), presented.secret(), source);
            default -> accounts.sessionCookie(presented.secret());
        };
        if (a instanceof Authentication.Throttled t) {
            metrics.apiAuth("throttled");
            return new Decision(null, new ApiException(429, "too_many_attempts", "too many failed logins; try again in "
                    + Math.max(1, t.retryAfter().toSeconds()) + " s / 登录失败次数过多，请稍后再试"), t.retryAfter());
        }
        if (a instanceof Authentication.Denied denied) {
            metrics.apiAuth(denied.reason());
            if (presented.scheme().equals("basic")) {
                audit.record(new Actor(auditName(presented.user()), source), "login.failed", "basic", null, "refused: " + denied.reason());
            }
            return new Decision(null, new ApiException(401, "unauthorized", denied.message()), null);
        }
        Principal p = ((Authentication.Authenticated) a).principal();
        metrics.apiAuth("ok_" + p.method().label());
        if (p.method() == Principal.Method.SESSION && changesState(ctx.request().method()) && !csrfMatches(ctx, p.csrfToken())) {
            metrics.apiAuth("csrf");
            return new Decision(p, new ApiException(403, "csrf", "a request made with the session cookie must send the session's"
                    + " CSRF token in " + CSRF_HEADER + " (from POST /login or GET /api/v1/me) / 缺少或错误的 CSRF 令牌"), null);
        }
        if (!policy.admits(p.role())) {
            metrics.apiAuth("forbidden");
            return new Decision(p, new ApiException(403, "forbidden", "a " + p.role() + " may not " + ctx.request().method()
                    + " " + ctx.request().path() + " / 当前角色无权执行此操作"), null);
        }
        if (p.role().scoped()) {
            for (Policy.SchoolCheck check : policy.schoolChecks()) {
                SchoolsOf.Owned owned;
                try {
                    owned = check.schoolsOf().find(ctx);
                } catch (ApiException e) {
                    return new Decision(p, e, null);
                }
                if (owned.what() == null) {
                    continue;
                }
                boolean in = owned.schools() != null && (check.all() ? p.seesAll(owned.schools()) : p.seesAny(owned.schools()));
                if (!in) {
                    metrics.apiAuth("out_of_scope");
                    // A console page names what it shows: forbidden, the same for another school's resource and a missing one.
                    return new Decision(p, policy.consolePage() ? new ApiException(403, "forbidden", "not in your schools: "
                            + owned.what() + " / 不在您负责的学校范围内") : ApiException.notFound("no " + owned.what()), null);
                }
            }
        }
        return new Decision(p, null, null);
    }

    private void unauthorized(Policy policy, RoutingContext ctx, String message) {
        if (policy.consolePage()) {
            refuse(policy, ctx, new ApiException(401, "unauthorized", message));
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
        api.fail(ctx, new ApiException(401, "unauthorized", message));
    }

    /** The API answers a refusal as JSON; a console page's route failure handler answers it as a page (or a redirect). */
    private void refuse(Policy policy, RoutingContext ctx, ApiException refusal) {
        if (policy.consolePage()) {
            ctx.put(ApiContext.ERROR, refusal);
            ctx.fail(refusal.status, refusal);
        } else {
            api.fail(ctx, refusal);
        }
    }

    static boolean changesState(HttpMethod m) {
        return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
    }

    private static boolean csrfMatches(RoutingContext ctx, String expected) {
        String sent = ctx.request().getHeader(CSRF_HEADER);
        if (sent == null) {
            sent = RequestBody.form(ctx).get(CSRF_FIELD);
        }
        return sent != null && expected != null
                && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ audit

    /** Records a state-changing request's outcome, off the event loop. */
    private void auditEnd(RoutingContext ctx, Actor actor, String action) {
        int status = ctx.response().getStatusCode();
        ApiException error = ctx.get(ApiContext.ERROR);
        String result = status < 400 ? "ok " + status
                : "refused " + status + (error == null ? "" : " " + error.code + ": " + error.getMessage());
        String target = ctx.get(AUDIT_TARGET);
        String t = target != null ? target : ctx.request().path();
        String given = ctx.get(AUDIT_DETAIL);
        String query = ctx.request().query();
        String type = ctx.request().getHeader("content-type");
        io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(RequestBody.bytes(ctx));
        // Parsing and masking the body is the worker's job, like the write.
        api.vertx().executeBlocking(() -> {
            audit.record(actor, action, t, given != null ? given : detail(query, type, body), result);
            return null;
        }, false);
    }

    /** The request as audited: its query and its JSON body with secrets masked; for other bodies, their type and size. */
    private String detail(String query, String type, io.vertx.core.buffer.Buffer body) {
        StringBuilder s = new StringBuilder();
        if (query != null && !query.isEmpty()) {
            s.append('?').append(query);
        }
        if (body != null && body.length() > 0) {
            JsonNode json = null;
            // The API reads JSON whatever the content type says (curl -d sends a form type): so does the audit.
            String text = body.length() <= 65_536 ? body.toString(java.nio.charset.StandardCharsets.UTF_8) : "";
            if (text.stripLeading().startsWith("{") || text.stripLeading().startsWith("[")) {
                try {
                    json = api.json().readTree(text);
                } catch (Exception e) {
                    json = null;
                }
            }
            if (s.length() > 0) {
                s.append(' ');
            }
            if (json != null && json.isContainerNode()) {
                s.append(SecretMask.mask(json));
            } else {
                s.append(type == null ? "body" : type).append(", ").append(body.length()).append(" bytes");
            }
        }
        return s.length() == 0 ? null : s.length() > MAX_DETAIL ? s.substring(0, MAX_DETAIL) + "…" : s.toString();
    }

    /** A user name as typed at a failed login, fit for the audit log. */
    static String auditName(String typed) {
        String s = typed == null ? "" : typed.strip().replaceAll("[^\\p{L}\\p{N}._@-]", "?");
        return s.isEmpty() ? "?" : s.length() > 64 ? s.substring(0, 64) : s;
    }

    // ------------------------------------------------------------------ where from

    /** The client's IP address (of the TCP connection: a reverse proxy in front shows as itself). */
    static String source(RoutingContext ctx) {
        SocketAddress a = ctx.request().remoteAddress();
        return a == null || a.hostAddress() == null ? "unknown" : a.hostAddress();
    }

    static boolean loopback(RoutingContext ctx) {
        SocketAddress a = ctx.request().remoteAddress();
        return a != null && loopbackAddress(a.hostAddress());
    }

    /** True for 127.0.0.0/8 and ::1 (and their IPv4-mapped forms); false for anything else, names included. */
    static boolean loopbackAddress(String host) {
        if (host == null || host.isEmpty() || !host.matches("[0-9a-fA-F:.%]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Token buckets per source address for one {@link Policy.RateLimit}; at most 10,000 sources kept
     * (the least recently seen is forgotten first, and starts again with a full bucket).
     */
    private static final class SourceBuckets {
        private final double perMs;
        private final double burst;
        private final Map<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > 10_000;
            }
        };

        SourceBuckets(Policy.RateLimit limit) {
            this.perMs = limit.perMinute() / 60_000.0;
            this.burst = Math.max(1, limit.burst());
        }

        /** Takes a token; returns zero, or how long until one is there. */
        synchronized Duration take(String source) {
            long now = System.currentTimeMillis();
            double[] b = buckets.computeIfAbsent(source, k -> new double[] {burst, now});
            b[0] = Math.min(burst, b[0] + (now - b[1]) * perMs);
            b[1] = now;
            if (b[0] >= 1) {
                b[0] -= 1;
                return Duration.ZERO;
            }
            return Duration.ofMillis((long) Math.ceil((1 - b[0]) / perMs));
        }
    }
}
