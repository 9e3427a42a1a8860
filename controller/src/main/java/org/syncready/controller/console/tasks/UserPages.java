package org.syncready.controller.console.tasks;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Role;
import org.syncready.controller.account.User;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.console.ConsoleRouter;
import org.syncready.controller.console.NavItem;
import org.syncready.controller.console.PageGroup;
import org.syncready.controller.console.Texts;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.School;

/**
 * Users (admin only, as {@code /api/v1/users}): the list, a form to create one (role, schools, password),
 * and per user a page to change role, schools, name and disabled, and to reset the password. Every change
 * goes through {@link Accounts}, which checks it as it does for the API, and is audited as the API's is.
 */
public final class UserPages implements PageGroup {
    private final Accounts accounts;
    private final FleetRegistry registry;
    private final Times times;
    private ConsoleRouter router;

    public UserPages(Accounts accounts, FleetRegistry registry, java.time.ZoneId zone) {
        this.accounts = accounts;
        this.registry = registry;
        this.times = new Times(zone);
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("users", "nav.users", "/console/users", EnumSet.of(Role.ADMIN), 85));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        Policy admin = Policy.roles(Role.ADMIN);
        router.page("/console/users", admin, this::list);
        router.action(HttpMethod.POST, "/console/users", admin.audited("user.create"), this::create);
        router.page("/console/users/:username", admin, this::edit);
        router.action(HttpMethod.POST, "/console/users/:username", admin.audited("user.update"), this::update);
        router.action(HttpMethod.POST, "/console/users/:username/password", admin.audited("user.password.reset"), this::resetPassword);
    }

    /** The list and the create form (with what was typed when it was refused). */
    public record UsersView(List<UserRow> users, List<Choice> roles, List<Choice> schools, NewUser typed, String notice, Failure failure) {
    }

    /** One user as the list shows it. */
    public record UserRow(String username, String displayName, String role, String schools, boolean disabled, String createdAt,
                          String passwordChangedAt) {
    }

    /** A role or school to choose. */
    public record Choice(String value, String label, boolean selected) {
    }

    /** What the create form held. */
    public record NewUser(String username, String displayName, String role) {
    }

    /** One user's page. */
    public record UserView(String username, String displayName, boolean disabled, String createdAt, String passwordChangedAt,
                           List<Choice> roles, List<Choice> schools, String notice, Failure failure) {
    }

    // ------------------------------------------------------------------ list and create

    private void list(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String created = ApiContext.param(ctx, "created");
        renderList(ctx, 200, t, new NewUser(null, null, Role.SCHOOL_IT.label()), Set.of(),
                created == null ? null : t.t("users.created", created), null);
    }

    private void renderList(RoutingContext ctx, int status, Texts t, NewUser typed, Set<String> schools, String notice, Failure failure) {
        router.blocking(ctx, accounts::users, users -> {
            List<UserRow> rows = users.stream().map(u -> new UserRow(u.username(), u.displayName(), t.role(u.role()),
                    schoolNames(t, u.schools()), u.disabled(), times.dateTime(Instant.ofEpochMilli(u.createdAt())),
                    times.dateTime(Instant.ofEpochMilli(u.passwordChangedAt())))).toList();
            router.render(ctx, status, "tasks/users.jte", ConsoleRouter.params("f", router.frame(ctx, "users", t.t("users.title")),
                    "v", new UsersView(rows, roles(t, typed.role()), schools(t, schools), typed, notice, failure)));
        });
    }

    private void create(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        FormInput form = FormInput.of(ctx);
        String username = form.get("username");
        String roleText = form.get("role");
        Set<String> schools = new LinkedHashSet<>(form.all("school"));
        String displayName = form.get("displayName");
        String password = form.raw("password");
        NewUser typed = new NewUser(username, displayName, roleText);
        ApiContext.auditTarget(ctx, "user " + username);
        Role role = Role.parse(roleText).orElse(null);
        if (role == null || username == null || password == null) {
            refusedList(ctx, t, typed, schools, Failure.of(400, t.t("users.missing")));
            return;
        }
        // Admins and bureau act in every school: schools ticked before the role was changed to one of them do not count.
        Set<String> scoped = role.scoped() ? schools : Set.of();
        router.api().vertx().executeBlocking(() -> accounts.createUser(username, role, scoped, displayName, password), false)
                .onComplete(r -> {
                    if (r.succeeded()) {
                        Redirect.to(ctx, "/console/users?created=" + Redirect.enc(r.result().username()));
                    } else if (Failure.of(r.cause()) != null) {
                        refusedList(ctx, t, typed, schools, Failure.of(r.cause()));
                    } else {
                        ctx.fail(r.cause());
                    }
                });
    }

    private void refusedList(RoutingContext ctx, Texts t, NewUser typed, Set<String> schools, Failure f) {
        ApiContext.refused(ctx, f.asApiException());
        renderList(ctx, f.status(), t, typed, schools, null, f);
    }

    // ------------------------------------------------------------------ one user

    private void edit(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String name = ctx.pathParam("username");
        String notice = ApiContext.param(ctx, "saved") != null ? t.t("users.saved")
                : ApiContext.param(ctx, "password") != null ? t.t("users.passwordReset") : null;
        router.blocking(ctx, () -> accounts.user(name).orElseThrow(() -> ApiException.notFound("no user '" + name + "'")),
                u -> renderUser(ctx, 200, t, u, notice, null));
    }

    private void renderUser(RoutingContext ctx, int status, Texts t, User u, String notice, Failure failure) {
        UserView v = new UserView(u.username(), u.displayName(), u.disabled(), times.dateTime(Instant.ofEpochMilli(u.createdAt())),
                times.dateTime(Instant.ofEpochMilli(u.passwordChangedAt())), roles(t, u.role().label()), schools(t, u.schools()), notice,
                failure);
        router.render(ctx, status, "tasks/user.jte", ConsoleRouter.params("f", router.frame(ctx, "users", t.t("users.one", u.username())),
                "v", v));
    }

    private void update(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String name = ctx.pathParam("username");
        FormInput form = FormInput.of(ctx);
        ApiContext.auditTarget(ctx, "user " + name);
        Role role = Role.parse(form.get("role")).orElse(null);
        Set<String> schools = new LinkedHashSet<>(form.all("school"));
        // The form always sends the whole user: a role without schools (admin, bureau) clears them.
        Accounts.UserChange change = new Accounts.UserChange(role, role != null && !role.scoped() ? Set.of() : schools,
                form.get("displayName") == null ? "" : form.get("displayName"), form.checked("disabled"));
        router.api().vertx().executeBlocking(() -> accounts.updateUser(name, change), false).onComplete(r -> {
            if (r.succeeded()) {
                Redirect.to(ctx, "/console/users/" + Redirect.enc(r.result().username()) + "?saved=1");
            } else {
                userRefused(ctx, t, name, r.cause());
            }
        });
    }

    private void resetPassword(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String name = ctx.pathParam("username");
        String password = FormInput.of(ctx).raw("password");
        ApiContext.auditTarget(ctx, "user " + name);
        router.api().vertx().executeBlocking(() -> {
            accounts.resetPassword(name, password);
            return name;
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                Redirect.to(ctx, "/console/users/" + Redirect.enc(name) + "?password=1");
            } else {
                userRefused(ctx, t, name, r.cause());
            }
        });
    }

    /** The user's page again with the refusal (or the error page when the user does not exist). */
    private void userRefused(RoutingContext ctx, Texts t, String name, Throwable cause) {
        Failure f = Failure.of(cause);
        if (f == null) {
            ctx.fail(cause);
            return;
        }
        ApiContext.refused(ctx, f.asApiException());
        router.blocking(ctx, () -> accounts.user(name), u -> {
            if (u.isEmpty()) {
                ctx.fail(ApiException.notFound("no user '" + name + "'"));
            } else {
                renderUser(ctx, f.status(), t, u.get(), null, f);
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    private List<Choice> roles(Texts t, String selected) {
        return Arrays.stream(Role.values()).map(r -> new Choice(r.label(), t.role(r), r.label().equals(selected))).toList();
    }

    private List<Choice> schools(Texts t, Set<String> selected) {
        List<Choice> out = new ArrayList<>();
        for (School s : registry.schools()) {
            out.add(new Choice(s.id(), t.school(s), selected.contains(s.id())));
        }
        return out;
    }

    private String schoolNames(Texts t, Set<String> ids) {
        if (ids.isEmpty()) {
            return t.t("layout.allSchools");
        }
        return String.join("、", ids.stream().sorted().map(id -> registry.school(id).map(t::school).orElse(id)).toList());
    }
}
