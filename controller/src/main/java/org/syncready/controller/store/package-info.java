/**
 * Persistence on SQLite in WAL mode (the default) or on PostgreSQL ({@code --store postgresql://...}), and
 * the only package that speaks JDBC. The domain packages own small interfaces in their own terms, and each
 * is implemented here by one class per area, the same class for both databases:
 * {@link org.syncready.controller.store.SqlFleetStore} ({@code fleet.FleetStore}),
 * {@link org.syncready.controller.store.SqlHistoryStore} ({@code fleet.BoxHistory}: status history,
 * events, latest state, retention), {@link org.syncready.controller.store.SqlScheduleStore}
 * ({@code schedule.ScheduleStore}), {@link org.syncready.controller.store.SqlReadinessStore}
 * ({@code readiness.CheckStore}), {@link org.syncready.controller.store.SqlAuditStore}
 * ({@code audit.AuditStore}), and {@link org.syncready.controller.store.StatusWriter}
 * ({@code ingest.RecordSink}: the single writer that batches ingest's records into transactions).
 * {@link org.syncready.controller.store.Database} is the SQLite file or the PostgreSQL database
 * ({@link org.syncready.controller.store.PostgresqlLocation}), its Flyway migrations (one folder per
 * database, the same versions) and the connection pool; the SQL is shared but for the little that
 * {@link org.syncready.controller.store.Dialect} holds. {@link org.syncready.controller.store.StoreCopy}
 * copies a SQLite store into an empty PostgreSQL one ({@code syncready migrate-store}). A failure is
 * thrown as the unchecked {@link org.syncready.controller.store.StoreException}.
 * Dependencies point one way: this package knows the domain packages, they never know it. Nothing here
 * may run on a Vert.x event loop.
 */
package org.syncready.controller.store;
