package org.syncready.controller.api;

import java.util.Set;

/**
 * One route of the router's table, as {@link HttpApiVerticle#routeTable()} reads it.
 *
 * @param methods        empty: every method
 * @param path           null: every path (the router's own routes)
 * @param policy         who may call it; null when the route has none
 * @param infrastructure for the router's own routes (body handler, not-found, failure handler): why they need no policy
 */
public record RouteEntry(Set<String> methods, String path, Policy policy, String infrastructure) {
}
