package org.syncready.controller.api;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.syncready.controller.account.Role;

/**
 * Who may call a route, declared where the route is mounted ({@link ApiRoutes}): no route exists
 * without one. Checked by the route's first handler before anything else runs:
 * <ol>
 *   <li>{@link Access}: open, a box's own credentials, the external broker's shared secret, anonymous but rate-limited per source, any
 *       logged-in user, or the listed roles (optionally open on the loopback address);</li>
 *   <li>for a session cookie and a state-changing method, the CSRF token;</li>
 *   <li>the role: a role not listed gets {@code 403};</li>
 *   <li>the school scope: for {@code school-it} and {@code technician}, every {@link SchoolCheck}
 *       must find the named resource in their schools, or the answer is {@code 404}, word for word
 *       what a missing resource gets (so ids of other schools' resources do not leak);</li>
 *   <li>{@link Audit}: a state-changing route says how it is audited.</li>
 * </ol>
 * A {@link #page()} policy ({@link #consolePage()} true) is a web console page or stream (HTML or SSE, not the JSON API): its refusals
 * go to the route's failure handler (which answers a page, or sends a browser to the login form), and a
 * scoped user asking for another school's resource, or one that does not exist, gets {@code 403} for both
 * (a page names what it shows; the same answer for both still leaks no ids). Page routes are not part of the
 * OpenAPI document ({@link HttpApiVerticle#routes()} leaves them out).
 */
public record Policy(Access access, Set<Role> roles, List<SchoolCheck> schoolChecks, Audit audit, RateLimit rateLimit,
                     String note, boolean consolePage) {

    /** Who gets past the first check. */
    public enum Access {
        /** Anyone, logged in or not (health, the login page). */
        OPEN,
        /** A box with its own credentials, checked by the route itself (the speed test). */
        BOX,
        /**
         * The external MQTT broker (EMQX asking its authentication/authorization hook) with the shared secret it
         * sends in a header, checked by the route itself; people's credentials do not count here.
         */
        BROKER,
        /** Anyone, at most {@link RateLimit} requests per source address (enrollment by code). */
        ANONYMOUS_LIMITED,
        /** Any logged-in user, whatever the role (their own account and tokens). */
        LOGGED_IN,
        /** Logged-in users with one of {@link #roles()}. */
        ROLES,
        /** Anyone on the loopback address; elsewhere logged-in users with one of {@link #roles()} ({@code /metrics}). */
        LOOPBACK_OR_ROLES
    }

    /**
     * For an anonymous route: requests per minute per source address, and the burst allowed at once.
     * Over it: {@code 429} with {@code Retry-After}.
     */
    public record RateLimit(int perMinute, int burst) {
    }

    /**
     * The schools a request's resource belongs to, found from the path, the query or the body.
     *
     * @param all true: the caller needs every one of the schools; false: one is enough
     */
    public record SchoolCheck(SchoolsOf schoolsOf, boolean all) {
    }

    /** How a state-changing route is audited. */
    public record Audit(Kind kind, String text) {
        public enum Kind {
            /** The authentication handler records {@code text} as the action when the answer is sent. */
            ACTION,
            /** The route's handler or its domain records entries itself; {@code text} says where. */
            ELSEWHERE,
            /** Not audited; {@code text} says why (a read-only route, a box's measurement). */
            NONE
        }
    }

    public Policy {
        roles = roles == null || roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        schoolChecks = List.copyOf(schoolChecks);
    }

    // ------------------------------------------------------------------ the kinds

    /** Anyone; {@code why} is for people reading the route table. */
    public static Policy open(String why) {
        return new Policy(Access.OPEN, Set.of(), List.of(), null, null, why, false);
    }

    /** A box's own credentials, checked by the route itself. */
    public static Policy box(String why) {
        return new Policy(Access.BOX, Set.of(), List.of(), null, null, why, false);
    }

    /** The external broker with the hook's shared secret, checked by the route. */
    public static Policy broker(String why) {
        return new Policy(Access.BROKER, Set.of(), List.of(), null, null, why, false);
    }

    /** Anyone, rate-limited per source address: for routes a box or a person reaches before having an account. */
    public static Policy anonymous(RateLimit limit, String why) {
        return new Policy(Access.ANONYMOUS_LIMITED, Set.of(), List.of(), null, limit, why, false);
    }

    /** Any logged-in user. */
    public static Policy loggedIn() {
        return new Policy(Access.LOGGED_IN, Set.of(), List.of(), null, null, null, false);
    }

    /** Logged-in users with one of these roles. */
    public static Policy roles(Role... roles) {
        return new Policy(Access.ROLES, Set.of(roles), List.of(), null, null, null, false);
    }

    /** Every role. Lists answered under it show each caller only their own schools. */
    public static Policy anyRole() {
        return roles(Role.values());
    }

    /** Open on the loopback address, elsewhere these roles. */
    public static Policy loopbackOr(Role... roles) {
        return new Policy(Access.LOOPBACK_OR_ROLES, Set.of(roles), List.of(), null, null, null, false);
    }

    // ------------------------------------------------------------------ refinements

    /** Scoped roles must hold at least one of the schools {@code of} finds. */
    public Policy inAnySchoolOf(SchoolsOf of) {
        return withCheck(new SchoolCheck(of, false));
    }

    /** Scoped roles must hold every school {@code of} finds. */
    public Policy inEverySchoolOf(SchoolsOf of) {
        return withCheck(new SchoolCheck(of, true));
    }

    /** Audited by the authentication handler as {@code action} (with the masked body as detail). */
    public Policy audited(String action) {
        return new Policy(access, roles, schoolChecks, new Audit(Audit.Kind.ACTION, action), rateLimit, note, consolePage);
    }

    /** Audited by the handler or the domain itself; {@code where} says by what. */
    public Policy auditedElsewhere(String where) {
        return new Policy(access, roles, schoolChecks, new Audit(Audit.Kind.ELSEWHERE, where), rateLimit, note, consolePage);
    }

    /** Deliberately not audited; {@code why} says why. */
    public Policy notAudited(String why) {
        return new Policy(access, roles, schoolChecks, new Audit(Audit.Kind.NONE, why), rateLimit, note, consolePage);
    }

    /** A web console page or event stream: refusals as pages (or a redirect to the login form), 403 out of scope. */
    public Policy page() {
        return new Policy(access, roles, schoolChecks, audit, rateLimit, note, true);
    }

    private Policy withCheck(SchoolCheck check) {
        List<SchoolCheck> checks = new ArrayList<>(schoolChecks);
        checks.add(check);
        return new Policy(access, roles, checks, audit, rateLimit, note, consolePage);
    }

    /** True when the role may call the route at all (before any school check). */
    public boolean admits(Role role) {
        return switch (access) {
            case OPEN, BOX, BROKER, ANONYMOUS_LIMITED, LOGGED_IN -> true;
            case ROLES, LOOPBACK_OR_ROLES -> roles.contains(role);
        };
    }

    /** E.g. {@code roles [admin, technician], scoped (every school), audited as rollout.start}. */
    public String describe() {
        StringBuilder s = new StringBuilder(access.name().toLowerCase(java.util.Locale.ROOT));
        if (!roles.isEmpty()) {
            s.append(' ').append(roles.stream().sorted().map(Role::label).collect(Collectors.joining(", ", "[", "]")));
        }
        if (!schoolChecks.isEmpty()) {
            s.append(", scoped to the resource's school");
        }
        if (consolePage) {
            s.append(", console page");
        }
        if (audit != null) {
            s.append(", audit ").append(audit.kind().name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(audit.text());
        }
        return s.toString();
    }
}
