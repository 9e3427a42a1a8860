package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.ApiToken;
import org.syncready.controller.account.Authentication;
import org.syncready.controller.account.NewSession;
import org.syncready.controller.account.NewToken;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.account.User;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * Logging in and out ({@code /login}, {@code /logout}), the caller's own account ({@code /api/v1/me}),
 * users (admin only) and API tokens. {@code GET /login} answers a small bilingual form that works without
 * scripts; a form login lands on the page that sent the browser there ({@code next}) or the web console's home.
 */
public final class AccountRoutes implements RouteGroup {
    private static final String HTML_HEADERS_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

    private final Accounts accounts;
    private final AuditLog audit;
    private final ControllerMetrics metrics;
    private ApiContext api;

    public AccountRoutes(Accounts accounts, AuditLog audit, ControllerMetrics metrics) {
        this.accounts = accounts;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        routes.get("/login", Policy.open("the login page"), this::loginPage);
        routes.post("/login", Policy.open("logging in").auditedElsewhere("login.ok and login.failed, by the handler"), this::login);
        routes.post("/logout", Policy.loggedIn().audited("logout"), this::logout);
        routes.get("/api/v1/me", Policy.loggedIn(), this::me);
        routes.post("/api/v1/me/password", Policy.loggedIn().audited("user.password.change"), this::changeOwnPassword);
        routes.get("/api/v1/users", Policy.roles(Role.ADMIN), this::listUsers);
        routes.post("/api/v1/users", Policy.roles(Role.ADMIN).audited("user.create"), this::createUser);
        routes.get("/api/v1/users/:username", Policy.roles(Role.ADMIN), this::getUser);
        routes.patch("/api/v1/users/:username", Policy.roles(Role.ADMIN).audited("user.update"), this::updateUser);
        routes.post("/api/v1/users/:username/password", Policy.roles(Role.ADMIN).audited("user.password.reset"), this::resetPassword);
        routes.get("/api/v1/tokens", Policy.loggedIn(), this::listTokens);
        routes.post("/api/v1/tokens", Policy.loggedIn().audited("token.create"), this::createToken);
        routes.delete("/api/v1/tokens/:id", Policy.loggedIn().audited("token.revoke"), this::revokeToken);
    }

    // ------------------------------------------------------------------ login and logout

    private void loginPage(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(AccessGuard.SESSION_COOKIE);
        String next = ApiContext.param(ctx, "next");
        if (cookie == null) {
            html(ctx, 200, loginForm(null, next));
            return;
        }
        api.vertx().executeBlocking(() -> accounts.sessionCookie(cookie.getValue()), false).onComplete(r -> {
            if (r.succeeded() && r.result() instanceof Authentication.Authenticated a) {
                html(ctx, 200, signedIn(a.principal()));
            } else if (r.succeeded()) {
                html(ctx, 200, loginForm(null, next));
            } else {
                ctx.fail(r.cause());
            }
        });
    }

    private record LoginOutcome(Authentication result, NewSession session) {
    }

    private void login(RoutingContext ctx) {
        boolean form = isForm(ctx);
        String source = AccessGuard.source(ctx);
        if (!sameOrigin(ctx)) {
            api.fail(ctx, new ApiException(403, "forbidden", "a login from another site's page is refused / 拒绝来自其他站点的登录"));
            return;
        }
        String username;
        String password;
        String next = null;
        if (form) {
            java.util.Map<String, String> fields = RequestBody.form(ctx);
            username = fields.get("username");
            password = fields.get("password");
            next = fields.get("next");
        } else {
            JsonNode body = api.body(ctx);
            username = body.path("username").isTextual() ? body.get("username").asText() : null;
            password = body.path("password").isTextual() ? body.get("password").asText() : null;
        }
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            if (form) {
                html(ctx, 400, loginForm("请填写用户名和密码 / Enter your user name and password", next));
            } else {
                throw ApiException.badRequest("fields 'username' and 'password' are required (form or JSON) / 请填写用户名和密码");
            }
            return;
        }
        long started = System.nanoTime();
        String then = next;
        api.vertx().executeBlocking(() -> {
            Authentication a = accounts.login(username, password, source);
            NewSession session = null;
            if (a instanceof Authentication.Authenticated ok) {
                session = accounts.startSession(ok.principal().user(), source);
                audit.record(new Actor(ok.principal().username(), source), "login.ok", "session", null, "ok");
            } else if (a instanceof Authentication.Denied d) {
                audit.record(new Actor(AccessGuard.auditName(username), source), "login.failed", "session", null, "refused: " + d.reason());
            }
            return new LoginOutcome(a, session);
        }, false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
                return;
            }
            Authentication a = r.result().result();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (a instanceof Authentication.Throttled t) {
                metrics.login("throttled", took);
                long wait = Math.max(1, (t.retryAfter().toMillis() + 999) / 1000);
                ctx.response().putHeader("Retry-After", Long.toString(wait));
                if (form) {
                    html(ctx, 429, loginForm("登录失败次数过多，请 " + wait + " 秒后再试 / Too many failed logins: try again in " + wait + " s", then));
                } else {
                    api.fail(ctx, new ApiException(429, "too_many_attempts", "too many failed logins; try again in " + wait
                            + " s / 登录失败次数过多，请稍后再试"));
                }
            } else if (a instanceof Authentication.Denied d) {
                metrics.login("failed", took);
                if (form) {
                    html(ctx, 401, loginForm(Accounts.WRONG_CREDENTIALS, then));
                } else {
                    api.fail(ctx, new ApiException(401, "unauthorized", d.message()));
                }
            } else {
                metrics.login("ok", took);
                NewSession s = r.result().session();
                ctx.response().addCookie(sessionCookie(ctx, s.cookieValue(), accounts.settings().sessionLifetime().toSeconds()));
                if (form) {
                    // The form lands on the page that sent the browser to log in, else the console's home.
                    ctx.response().setStatusCode(303).putHeader("Location", localPath(then)).end();
                } else {
                    ObjectNode out = userNode(s.user());
                    out.put("csrfToken", s.session().csrfToken())
                            .put("expiresAt", Instant.ofEpochMilli(s.session().expiresAt()).toString());
                    api.send(ctx, 200, out);
                }
            }
        });
    }

    private void logout(RoutingContext ctx) {
        Principal p = ApiContext.principal(ctx);
        boolean form = isForm(ctx);
        api.vertx().executeBlocking(() -> {
            if (p.method() == Principal.Method.SESSION) {
                accounts.endSession(p.credentialId());
            }
            return p.method().label();
        }, false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
                return;
            }
            ApiContext.auditTarget(ctx, r.result());
            ctx.response().addCookie(sessionCookie(ctx, "", 0));
            if (form) {
                ctx.response().setStatusCode(303).putHeader("Location", "/login").end();
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    private Cookie sessionCookie(RoutingContext ctx, String value, long maxAgeSeconds) {
        return Cookie.cookie(AccessGuard.SESSION_COOKIE, value).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()).setMaxAge(maxAgeSeconds);
    }

    /** A post of the HTML form (the JSON API answers JSON; a form gets pages and redirects). */
    private static boolean isForm(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** A browser says where a form was posted from; a login posted from another site's page is refused. */
    private static boolean sameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        if (origin == null) {
            return true;
        }
        HostAndPort self = ctx.request().authority();
        try {
            URI o = URI.create(origin);
            if (self == null || o.getHost() == null) {
                return false;
            }
            int port = o.getPort() >= 0 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            int selfPort = self.port() >= 0 ? self.port() : ctx.request().isSSL() ? 443 : 80;
            return o.getHost().equalsIgnoreCase(self.host()) && port == selfPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ the caller

    private void me(RoutingContext ctx) {
        Principal p = ApiContext.principal(ctx);
        ObjectNode out = userNode(p.user()).put("authenticatedBy", p.method().label());
        if (p.method() == Principal.Method.SESSION) {
            out.put("csrfToken", p.csrfToken());
        }
        if (p.method() == Principal.Method.TOKEN) {
            out.put("tokenId", p.credentialId());
        }
        api.send(ctx, 200, out);
    }

    private void changeOwnPassword(RoutingContext ctx) {
        Principal p = ApiContext.principal(ctx);
        JsonNode body = api.body(ctx);
        String current = ApiContext.text(body, "currentPassword");
        String next = ApiContext.text(body, "newPassword");
        String source = AccessGuard.source(ctx);
        ApiContext.auditTarget(ctx, "user " + p.username());
        api.vertx().executeBlocking(() -> accounts.changePassword(p, current, next, source), false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
            } else if (r.result() instanceof Authentication.Throttled t) {
                ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, t.retryAfter().toSeconds())));
                api.fail(ctx, new ApiException(429, "too_many_attempts", "too many wrong passwords; try again later / 请稍后再试"));
            } else if (r.result() instanceof Authentication.Denied) {
                api.fail(ctx, new ApiException(403, "wrong_password", "the current password is wrong / 当前密码错误"));
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    // ------------------------------------------------------------------ users

    private void listUsers(RoutingContext ctx) {
        api.blocking(ctx, accounts::users, users -> {
            ArrayNode out = api.json().createArrayNode();
            users.forEach(u -> out.add(userNode(u)));
            return out;
        });
    }

    private void getUser(RoutingContext ctx) {
        String name = ctx.pathParam("username");
        api.blocking(ctx, () -> accounts.user(name).orElseThrow(() -> ApiException.notFound("no user '" + name + "'")), this::userNode);
    }

    private void createUser(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        String username = ApiContext.text(body, "username");
        Role role = role(body);
        Set<String> schools = schools(body);
        String displayName = optionalText(body, "displayName");
        String password = ApiContext.text(body, "password");
        ApiContext.auditTarget(ctx, "user " + username);
        api.blocking(ctx, () -> accounts.createUser(username, role, schools == null ? Set.of() : schools, displayName, password),
                this::userNode, 201);
    }

    private void updateUser(RoutingContext ctx) {
        String name = ctx.pathParam("username");
        JsonNode body = api.body(ctx);
        Role role = body.has("role") ? role(body) : null;
        Set<String> schools = schools(body);
        String displayName = optionalText(body, "displayName");
        JsonNode disabled = body.get("disabled");
        if (disabled != null && !disabled.isBoolean()) {
            throw ApiException.badRequest("field 'disabled' must be true or false");
        }
        ApiContext.auditTarget(ctx, "user " + name);
        api.blocking(ctx, () -> accounts.updateUser(name, new Accounts.UserChange(role, schools, displayName,
                disabled == null ? null : disabled.asBoolean())), this::userNode);
    }

    private void resetPassword(RoutingContext ctx) {
        String name = ctx.pathParam("username");
        String password = ApiContext.text(api.body(ctx), "password");
        ApiContext.auditTarget(ctx, "user " + name);
        api.vertx().executeBlocking(() -> {
            accounts.resetPassword(name, password);
            return null;
        }, false).onComplete(r -> {
            if (r.failed()) {
                api.failWith(ctx, r.cause());
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    private static Role role(JsonNode body) {
        String text = ApiContext.text(body, "role");
        return Role.parse(text).orElseThrow(() -> ApiException.badRequest(
                "field 'role' must be admin, bureau, school-it or technician, was '" + text + "'"));
    }

    /** The {@code schools} array, or null when absent. */
    private static Set<String> schools(JsonNode body) {
        JsonNode s = body.get("schools");
        if (s == null || s.isNull()) {
            return null;
        }
        if (!s.isArray()) {
            throw ApiException.badRequest("field 'schools' must be an array of school ids");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : s) {
            if (!n.isTextual()) {
                throw ApiException.badRequest("field 'schools' must contain only school ids");
            }
            out.add(n.asText());
        }
        return out;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private ObjectNode userNode(User u) {
        ObjectNode n = api.json().createObjectNode().put("username", u.username()).put("role", u.role().label());
        ArrayNode schools = n.putArray("schools");
        u.schools().forEach(schools::add);
        return n.put("displayName", u.displayName()).put("disabled", u.disabled())
                .put("createdAt", Instant.ofEpochMilli(u.createdAt()).toString())
                .put("passwordChangedAt", Instant.ofEpochMilli(u.passwordChangedAt()).toString());
    }

    // ------------------------------------------------------------------ tokens

    private void listTokens(RoutingContext ctx) {
        Principal p = ApiContext.principal(ctx);
        String user = ApiContext.param(ctx, "user");
        if (p.role() != Role.ADMIN && user != null && !user.equalsIgnoreCase(p.username())) {
            throw new ApiException(403, "forbidden", "only an admin lists other users' tokens / 仅管理员可查看他人的令牌");
        }
        String whose = p.role() == Role.ADMIN ? user : p.username();
        api.blocking(ctx, () -> accounts.tokens(whose), tokens -> {
            ArrayNode out = api.json().createArrayNode();
            long now = accounts.now();
            tokens.forEach(t -> out.add(tokenNode(t, now)));
            return out;
        });
    }

    private void createToken(RoutingContext ctx) {
        Principal p = ApiContext.principal(ctx);
        JsonNode body = api.body(ctx);
        String name = ApiContext.text(body, "name");
        String user = Optional.ofNullable(optionalText(body, "user")).orElse(p.username());
        if (p.role() != Role.ADMIN && !user.equalsIgnoreCase(p.username())) {
            throw new ApiException(403, "forbidden", "only an admin creates tokens for other users / 仅管理员可为他人创建令牌");
        }
        JsonNode days = body.get("expiresInDays");
        if (days != null && !days.isNull() && !days.canConvertToInt()) {
            throw ApiException.badRequest("field 'expiresInDays' must be a whole number of days");
        }
        Duration life = days == null || days.isNull() ? null : Duration.ofDays(days.asInt());
        api.blocking(ctx, () -> {
            NewToken t = accounts.createToken(user, name, life, p.username());
            ApiContext.auditTarget(ctx, "token " + t.token().id() + " of " + t.token().username());
            return t;
        }, t -> {
            ObjectNode out = api.json().createObjectNode();
            out.set("token", tokenNode(t.token(), accounts.now()));
            out.put("secret", t.secret()).put("note", "The secret is shown only once: send it as 'Authorization: Bearer <secret>'."
                    + " / 令牌只显示这一次，请妥善保存。");
            return out;
        }, 201);
    }

    private void revokeToken(RoutingContext ctx) {
        Principal p = ApiContext.principal(ctx);
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "token " + id);
        api.blocking(ctx, () -> {
            ApiToken t = accounts.token(id).filter(x -> p.role() == Role.ADMIN || x.username().equals(p.username()))
                    .orElseThrow(() -> ApiException.notFound("no token '" + id + "'"));
            ApiContext.auditTarget(ctx, "token " + id + " of " + t.username());
            return accounts.revokeToken(t.id(), p.username());
        }, t -> tokenNode(t, accounts.now()));
    }

    private ObjectNode tokenNode(ApiToken t, long now) {
        return api.json().createObjectNode().put("id", t.id()).put("user", t.username()).put("name", t.name())
                .put("hint", "srt_" + t.hint() + "…").put("state", t.state(now))
                .put("createdAt", Instant.ofEpochMilli(t.createdAt()).toString()).put("createdBy", t.createdBy())
                .put("expiresAt", Instant.ofEpochMilli(t.expiresAt()).toString())
                .put("revokedAt", t.revokedAt() == null ? null : Instant.ofEpochMilli(t.revokedAt()).toString())
                .put("revokedBy", t.revokedBy())
                .put("lastUsedAt", t.lastUsedAt() == null ? null : Instant.ofEpochMilli(t.lastUsedAt()).toString());
    }

    // ------------------------------------------------------------------ HTML

    private static void html(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", HTML_HEADERS_CSP).putHeader("X-Frame-Options", "DENY")
                // same-origin, not no-referrer: under no-referrer a browser posts the form with "Origin: null",
                // which the login's same-origin check must refuse.
                .putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "same-origin").end(body);
    }

    private static String page(String content) {
        return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>SyncReady 登录 / Log in</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}"
                + "label{display:block;margin:.8rem 0}input{display:block;width:100%;padding:.4rem;box-sizing:border-box}"
                + "button{padding:.5rem 1.2rem;margin-top:.5rem}.error{color:#b00020}</style></head><body><h1>SyncReady</h1>"
                + content + "</body></html>";
    }

    /** {@code path} when it is a path on this site, else {@code /} (the console's home): never a redirect elsewhere. */
    static String localPath(String path) {
        if (path == null || !path.startsWith("/") || path.startsWith("//") || path.contains("\\")
                || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return path;
    }

    private static String loginForm(String error, String next) {
        String back = next == null ? "" : "<input type=\"hidden\" name=\"next\" value=\"" + escape(localPath(next)) + "\">";
        return page((error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>")
                + "<form method=\"post\" action=\"/login\">" + back
                + "<label>用户名 / User name<input name=\"username\" autocomplete=\"username\" required autofocus></label>"
                + "<label>密码 / Password<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
                + "<button type=\"submit\">登录 / Log in</button></form>");
    }

    private static String signedIn(Principal p) {
        String schools = p.schools().isEmpty() ? "" : ": " + String.join(", ", p.schools());
        return page("<p>已登录 / Signed in as <b>" + escape(p.username()) + "</b> (" + escape(p.role().label() + schools) + ")</p>"
                + "<p><a href=\"/\">打开控制台 / Open the console</a></p><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"" + AccessGuard.CSRF_FIELD + "\" value=\""
                + escape(p.csrfToken()) + "\"><button type=\"submit\">退出 / Log out</button></form>");
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
