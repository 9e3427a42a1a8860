/**
 * The HTTP API ({@code /api/v1/...}, {@code /health}, {@code /metrics}) on Vert.x Web. Handlers read
 * live state from memory on the event loop; anything that touches SQLite runs on a worker.
 */
package org.syncready.controller.api;
