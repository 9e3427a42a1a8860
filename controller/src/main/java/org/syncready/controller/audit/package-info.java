/**
 * The audit log: who (the authenticated user, or the controller itself) did what, from where, when,
 * to what, and how it ended. Append-only.
 */
package org.syncready.controller.audit;
