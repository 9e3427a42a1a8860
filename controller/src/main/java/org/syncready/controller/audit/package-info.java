/**
 * The audit log: who did what to which boxes, when, and how it ended (rollouts, forced pushes);
 * {@link org.syncready.controller.audit.AuditLog} keeps it through an
 * {@link org.syncready.controller.audit.AuditStore} (implemented in the store package).
 */
package org.syncready.controller.audit;
