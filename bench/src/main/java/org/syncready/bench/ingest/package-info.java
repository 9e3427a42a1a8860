/**
 * Ingest ratio benchmark: the same simulated burst of status messages sent (a) to the embedded broker
 * with a subscriber that only counts, and (b) through the whole controller (decode, validate, live
 * state, batched SQLite writes); reports messages/s of each, the ratio b/a, and checks nothing was lost.
 */
package org.syncready.bench.ingest;
