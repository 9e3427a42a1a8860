package org.syncready.controller.console.tasks;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.ApiToken;
import org.syncready.controller.account.Authentication;
import org.syncready.controller.account.NewToken;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.console.ConsoleRouter;
import org.syncready.controller.console.NavItem;
import org.syncready.controller.console.PageGroup;
import org.syncready.controller.console.Texts;
import org.syncready.controller.fleet.FleetRegistry;

/**
 * My account, for every user: who I am (role, schools), change my password ({@code POST /api/v1/me/password}),
 * my API tokens: create one (its secret shown once, with a copy button), list, revoke
 * ({@code /api/v1/tokens}). The same {@link Accounts} calls, throttling and audit as the API.
 */
public final class AccountPages implements PageGroup {
    private final Accounts accounts;
    private final FleetRegistry registry;
    private final Times times;
    private ConsoleRouter router;

    public AccountPages(Accounts accounts, FleetRegistry registry, java.time.ZoneId zone) {
        this.accounts = accounts;
        this.registry = registry;
        this.times = new Times(zone);
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("account", "nav.account", "/console/account", EnumSet.allOf(Role.class), 90));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        router.page("/console/account", Policy.loggedIn(), this::page);
        router.action(HttpMethod.POST, "/console/account/password", Policy.loggedIn().audited("user.password.change"), this::changePassword);
        router.action(HttpMethod.POST, "/console/account/tokens", Policy.loggedIn().audited("token.create"), this::createToken);
        router.action(HttpMethod.POST, "/console/account/tokens/:id/revoke", Policy.loggedIn().audited("token.revoke"), this::revokeToken);
    }

    /** The account page. */
    public record AccountView(String username, String displayName, String role, String schools, String passwordChangedAt,
                              List<TokenRow> tokens, String notice, Failure passwordFailure, Failure tokenFailure) {
    }

    /** One of my tokens; never its secret. */
    public record TokenRow(String id, String name, String hint, String state, String stateText, String createdAt, String expiresAt,
                           String lastUsedAt) {
    }

    /** A token just made: the secret, shown this once. */
    public record NewTokenView(String id, String name, String secret, String expiresAt, Failure failure) {
    }

    private void page(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String notice = ApiContext.param(ctx, "password") != null ? t.t("account.passwordChanged")
                : ApiContext.param(ctx, "revoked") != null ? t.t("account.tokenRevoked", ApiContext.param(ctx, "revoked")) : null;
        render(ctx, 200, t, notice, null, null);
    }

    private void render(RoutingContext ctx, int status, Texts t, String notice, Failure passwordFailure, Failure tokenFailure) {
        Principal p = ConsoleRouter.principal(ctx);
        router.blocking(ctx, () -> accounts.tokens(p.username()), tokens -> {
            long now = accounts.now();
            List<TokenRow> rows = tokens.stream().map(tk -> new TokenRow(tk.id(), tk.name(), "srt_" + tk.hint() + "…", tk.state(now),
                    t.t("account.token.state." + tk.state(now)), times.dateTime(Instant.ofEpochMilli(tk.createdAt())),
                    times.dateTime(Instant.ofEpochMilli(tk.expiresAt())),
                    tk.lastUsedAt() == null ? "" : times.dateTime(Instant.ofEpochMilli(tk.lastUsedAt())))).toList();
            String schools = p.schools().isEmpty() ? t.t("layout.allSchools")
                    : String.join("、", p.schools().stream().sorted().map(id -> registry.school(id).map(t::school).orElse(id)).toList());
            AccountView v = new AccountView(p.username(), p.user().displayName(), t.role(p.role()), schools,
                    times.dateTime(Instant.ofEpochMilli(p.user().passwordChangedAt())), rows, notice, passwordFailure, tokenFailure);
            router.render(ctx, status, "tasks/account.jte", ConsoleRouter.params("f", router.frame(ctx, "account", t.t("account.title")),
                    "v", v));
        });
    }

    private void changePassword(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        FormInput form = FormInput.of(ctx);
        String current = form.raw("currentPassword");
        String next = form.raw("newPassword");
        String again = form.raw("newPasswordAgain");
        ApiContext.auditTarget(ctx, "user " + p.username());
        if (current == null || next == null) {
            refused(ctx, t, Failure.of(400, t.t("account.password.missing")), true);
            return;
        }
        if (!next.equals(again)) {
            refused(ctx, t, Failure.of(400, t.t("account.password.mismatch")), true);
            return;
        }
        String source = ApiContext.actor(ctx).source();
        router.api().vertx().executeBlocking(() -> accounts.changePassword(p, current, next, source), false).onComplete(r -> {
            if (r.failed()) {
                Failure f = Failure.of(r.cause());
                if (f == null) {
                    ctx.fail(r.cause());
                } else {
                    refused(ctx, t, f, true);
                }
            } else if (r.result() instanceof Authentication.Throttled th) {
                ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, th.retryAfter().toSeconds())));
                refused(ctx, t, Failure.of(429, t.t("account.password.throttled")), true);
            } else if (r.result() instanceof Authentication.Denied) {
                refused(ctx, t, Failure.of(403, t.t("account.password.wrong")), true);
            } else {
                Redirect.to(ctx, "/console/account?password=1");
            }
        });
    }

    private void refused(RoutingContext ctx, Texts t, Failure f, boolean password) {
        ApiContext.refused(ctx, f.asApiException());
        render(ctx, f.status(), t, null, password ? f : null, password ? null : f);
    }

    private void createToken(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        FormInput form = FormInput.of(ctx);
        String name = form.get("name");
        String days = form.get("expiresInDays");
        Duration life;
        try {
            life = days == null ? null : Duration.ofDays(Integer.parseInt(days));
        } catch (NumberFormatException e) {
            tokenRefused(ctx, Failure.of(400, t.t("account.token.days")));
            return;
        }
        router.api().vertx().executeBlocking(() -> {
            NewToken created = accounts.createToken(p.username(), name, life, p.username());
            ApiContext.auditTarget(ctx, "token " + created.token().id() + " of " + created.token().username());
            return created;
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                ApiToken tk = r.result().token();
                router.render(ctx, 201, "tasks/newToken.jte", ConsoleRouter.params("f", router.frame(ctx, "account", ""),
                        "v", new NewTokenView(tk.id(), tk.name(), r.result().secret(), times.dateTime(Instant.ofEpochMilli(tk.expiresAt())), null)));
            } else {
                Failure f = Failure.of(r.cause());
                if (f == null) {
                    ctx.fail(r.cause());
                } else {
                    tokenRefused(ctx, f);
                }
            }
        });
    }

    private void tokenRefused(RoutingContext ctx, Failure f) {
        ApiContext.refused(ctx, f.asApiException());
        router.render(ctx, f.status(), "tasks/newToken.jte", ConsoleRouter.params("f", router.frame(ctx, "account", ""),
                "v", new NewTokenView(null, null, null, null, f)));
    }

    private void revokeToken(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "token " + id);
        // My own tokens only, on my page (an admin revokes others' through the API); another's is "no such token".
        router.blocking(ctx, () -> {
            ApiToken tk = accounts.token(id).filter(x -> x.username().equals(p.username()))
                    .orElseThrow(() -> ApiException.notFound("no token '" + id + "'"));
            ApiContext.auditTarget(ctx, "token " + id + " of " + tk.username());
            return accounts.revokeToken(tk.id(), p.username());
        }, tk -> Redirect.to(ctx, "/console/account?revoked=" + Redirect.enc(tk.id())));
    }
}
