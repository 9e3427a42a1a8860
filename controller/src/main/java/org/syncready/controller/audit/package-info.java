/** The audit log: who did what to which boxes, when, and how it ended (rollouts, forced pushes). */
package org.syncready.controller.audit;
