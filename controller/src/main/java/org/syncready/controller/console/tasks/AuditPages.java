package org.syncready.controller.console.tasks;

import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.Policy;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.audit.AuditQuery;
import org.syncready.controller.console.ConsoleRouter;
import org.syncready.controller.console.NavItem;
import org.syncready.controller.console.PageGroup;
import org.syncready.controller.console.Texts;

/**
 * The audit log, newest first, filtered by user, action (a prefix such as {@code rollout.}), target text and
 * date range, 50 entries a page: what {@code GET /api/v1/audit} answers, for the same roles (admin, bureau).
 */
public final class AuditPages implements PageGroup {
    static final int PAGE = 50;
    /** Common action prefixes offered in the filter (any prefix may be typed). */
    static final List<String> ACTIONS = List.of("login.", "login.failed", "user.", "token.", "session.", "timetable.import", "term.put",
            "rollout.", "readiness.check", "box.", "enrollment.", "alert.");

    private final AuditLog audit;
    private final Times times;
    private ConsoleRouter router;

    public AuditPages(AuditLog audit, java.time.ZoneId zone) {
        this.audit = audit;
        this.times = new Times(zone);
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("audit", "nav.audit", "/console/audit", EnumSet.of(Role.ADMIN, Role.BUREAU), 80));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        router.page("/console/audit", Policy.roles(Role.ADMIN, Role.BUREAU), this::page);
    }

    /** The filter as given, the page of entries, and the link to the next (older) page. */
    public record AuditView(String actor, String action, String target, String from, String to, List<String> actions, List<Entry> entries,
                            String older, boolean firstPage) {
    }

    /** One entry. */
    public record Entry(long id, String at, String actor, String source, String action, String target, String result, String detail,
                        boolean refused) {
    }

    private void page(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String actor = ApiContext.param(ctx, "actor");
        String action = ApiContext.param(ctx, "action");
        String target = ApiContext.param(ctx, "target");
        LocalDate from = Times.parseDate(ApiContext.param(ctx, "from"));
        LocalDate to = Times.parseDate(ApiContext.param(ctx, "to"));
        Long before = number(ApiContext.param(ctx, "before"));
        Long beforeAt = number(ApiContext.param(ctx, "beforeAt"));
        Long since = from == null ? null : times.startOf(from).toEpochMilli();
        Long until = to == null ? null : times.startOf(to.plusDays(1)).toEpochMilli();
        if (beforeAt != null) {
            // The next page: entries up to the last one shown (same millisecond included), then those with a lower id.
            until = until == null ? beforeAt + 1 : Math.min(until, beforeAt + 1);
        }
        // Entries of the last page's millisecond that were shown are skipped by id: at most a page of them.
        AuditQuery q = new AuditQuery(before == null ? PAGE + 1 : 2 * PAGE + 1, since, until, actor, action, target, null);
        Long skipFrom = before;
        router.blocking(ctx, () -> audit.list(q), found -> {
            List<AuditEntry> page = found.stream().filter(e -> skipFrom == null || e.id() < skipFrom).limit(PAGE + 1L).toList();
            boolean more = page.size() > PAGE;
            List<Entry> entries = new ArrayList<>();
            for (AuditEntry e : page.subList(0, Math.min(PAGE, page.size()))) {
                entries.add(new Entry(e.id(), times.dateTimeSeconds(Instant.ofEpochMilli(e.at())), e.actor(), e.source(), e.action(),
                        e.target(), e.result(), e.detail(), e.result() != null && !e.result().startsWith("ok")));
            }
            String older = null;
            if (more) {
                AuditEntry last = page.get(PAGE - 1);
                older = "/console/audit?" + query("actor", actor) + query("action", action) + query("target", target)
                        + query("from", from == null ? null : from.toString()) + query("to", to == null ? null : to.toString())
                        + "before=" + last.id() + "&beforeAt=" + last.at();
            }
            AuditView v = new AuditView(actor, action, target, from == null ? null : from.toString(), to == null ? null : to.toString(),
                    ACTIONS, entries, older, before == null);
            router.render(ctx, "tasks/audit.jte", ConsoleRouter.params("f", router.frame(ctx, "audit", t.t("audit.title")), "v", v));
        });
    }

    private static String query(String name, String value) {
        return value == null ? "" : name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "&";
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
