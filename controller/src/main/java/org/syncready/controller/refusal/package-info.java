/**
 * {@link org.syncready.controller.refusal.Refusal}: the one type for "the controller will not do this"
 * (invalid, not found, conflict, ...), thrown by every capability and mapped to HTTP by the API alone.
 */
package org.syncready.controller.refusal;
