/**
 * The web console: server-rendered pages (jte templates precompiled at build time, {@code src/main/jte}),
 * htmx for partial updates, Server-Sent Events for live data and ECharts for history, all served from the
 * jar on the API's port. Every page and stream is mounted through the API's {@code ApiRoutes} with a
 * {@code Policy} marked {@code page()}, so the same role and school checks apply as to {@code /api/v1},
 * and pages call the same services as the API. {@link org.syncready.controller.console.ConsoleRoutes} is
 * the one place page groups ({@link org.syncready.controller.console.PageGroup}: Today, School, Box,
 * Session, ...) are registered; docs/CONSOLE.md has the conventions.
 */
package org.syncready.controller.console;
