/**
 * Persistence on SQLite in WAL mode: {@link org.syncready.controller.store.Database} (file, Flyway
 * migrations, connection pool), {@link org.syncready.controller.store.StatusWriter} (the single
 * writer that batches ingest rows into transactions) and {@link org.syncready.controller.store.HistoryStore}
 * (status history, events, latest state, retention). Nothing here may run on a Vert.x event loop.
 */
package org.syncready.controller.store;
