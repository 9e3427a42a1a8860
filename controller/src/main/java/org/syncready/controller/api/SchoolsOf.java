package org.syncready.controller.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.Set;

/**
 * Finds the schools that own what a request names (a box in the path, a classroom in the body, a
 * school in the query, a rollout's boxes), for a {@link Policy}'s school check. Runs on a worker
 * thread, and only for callers whose role is limited to their schools.
 */
@FunctionalInterface
public interface SchoolsOf {

    Owned find(RoutingContext ctx) throws Exception;

    /**
     * What was found.
     *
     * @param what    the resource as the 404 answer names it, e.g. {@code box 'box-1'}; null: the
     *                request names nothing to check (an optional filter left out)
     * @param schools its schools; null when it does not exist
     */
    record Owned(String what, Set<String> schools) {
        /** The request names nothing this check applies to. */
        public static final Owned NOTHING = new Owned(null, null);

        public static Owned missing(String what) {
            return new Owned(what, null);
        }

        public static Owned of(String what, Collection<String> schools) {
            return new Owned(what, Set.copyOf(schools));
        }
    }
}
