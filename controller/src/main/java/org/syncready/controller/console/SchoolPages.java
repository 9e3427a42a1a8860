package org.syncready.controller.console;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.Scopes;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.School;

/**
 * The School page: its classrooms and boxes with presence, last seen, cameras by role, microphones with
 * their level, the network, the disk, and the configuration profile, version and drift. Scoped like
 * {@code GET /api/v1/boxes?school=}; an overview of the caller's schools at {@code /console/schools}.
 */
public final class SchoolPages implements PageGroup {
    private final FleetRegistry registry;
    private final BoxCards cards;
    private ConsoleRouter router;

    public SchoolPages(FleetRegistry registry, BoxCards cards) {
        this.registry = registry;
        this.cards = cards;
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("schools", "nav.schools", "/console/schools", EnumSet.allOf(Role.class), 20));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        router.page("/console/schools", Policy.anyRole(), this::list);
        router.page("/console/schools/:id", Policy.anyRole().inAnySchoolOf(Scopes.school(registry, Scopes.path("id"))), this::school);
    }

    /** One school: straight to it; several: the first (the nav's entry), each school's page is linked from Today. */
    private void list(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        Optional<School> first = registry.schools().stream().filter(s -> p.sees(s.id())).findFirst();
        ConsoleRoutes.redirect(ctx, first.map(s -> "/console/schools/" + s.id()).orElse(ConsoleRoutes.HOME));
    }

    private void school(RoutingContext ctx) {
        School school = registry.school(ctx.pathParam("id")).orElseThrow(() -> ApiException.notFound("no school '" + ctx.pathParam("id") + "'"));
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        List<School> others = registry.schools().stream().filter(s -> p.sees(s.id())).toList();
        // The configuration of each box is read from the rollouts' store: on a worker.
        router.blocking(ctx, () -> {
            List<SchoolView.Room> rooms = new ArrayList<>();
            for (Classroom c : registry.classrooms(school.id())) {
                Box box = registry.boxes().stream().filter(b -> b.classroomId().equals(c.id())).findFirst().orElse(null);
                rooms.add(new SchoolView.Room(c.id(), t.classroom(c), box == null ? null : cards.withConfig(box, t)));
            }
            return rooms;
        }, rooms -> {
            SchoolView view = new SchoolView(school.id(), t.school(school),
                    BoxCards.HMS.format(Instant.now().atZone(cards.zone())), rooms);
            List<String[]> tabs = others.stream().map(s -> new String[] {s.id(), t.school(s)}).toList();
            router.render(ctx, "school.jte", ConsoleRouter.params("f", router.frame(ctx, "schools", t.school(school)), "v", view,
                    "tabs", tabs));
        });
    }
}
