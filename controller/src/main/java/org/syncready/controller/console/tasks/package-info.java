/**
 * The web console's task pages: timetable import and sessions, term calendars, configuration rollouts,
 * readiness reports, the audit log, users, and each user's own account and API tokens. Each
 * {@link org.syncready.controller.console.PageGroup} here mounts its pages and actions with the same
 * {@code Policy} (roles, school scope, audit) as the matching {@code /api/v1} routes and calls the same
 * code: the API route groups' public operations ({@code TimetableRoutes.run}, {@code RolloutRoutes.start},
 * {@code ReadinessRoutes.report}, ...) or the services behind them. Forms post with the session's CSRF token.
 */
package org.syncready.controller.console.tasks;
