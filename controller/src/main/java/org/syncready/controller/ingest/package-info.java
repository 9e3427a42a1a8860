/**
 * Ingest: every message a box publishes is decoded and validated, folded into the live fleet, and
 * what the fleet wants kept is handed to a {@link org.syncready.controller.ingest.RecordSink} (the
 * store's batch writer). Anything malformed is refused, counted and logged once per box per minute;
 * it never disturbs other boxes' messages.
 */
package org.syncready.controller.ingest;
