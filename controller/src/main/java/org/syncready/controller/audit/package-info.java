/**
 * The audit log: who (the authenticated user, or the controller itself) did what, from where, when,
 * to what, and how it ended; append-only. {@link org.syncready.controller.audit.AuditLog} keeps it
 * through an {@link org.syncready.controller.audit.AuditStore} (implemented in the store package);
 * {@link org.syncready.controller.audit.SecretMask} keeps credentials out of it and out of API answers.
 */
package org.syncready.controller.audit;
