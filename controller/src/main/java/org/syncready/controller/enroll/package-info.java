/**
 * Enrollment: one-time, expiring codes a technician or school IT makes for a classroom
 * ({@link org.syncready.controller.enroll.EnrollmentCodes}), which a box redeems to register itself
 * and receive its credentials, the CA to pin and the config-signing keys, so nobody copies a secret
 * by hand. Codes are kept as keyed hashes through an {@link org.syncready.controller.enroll.EnrollmentStore};
 * redemption is rate-limited per source address and overall.
 */
package org.syncready.controller.enroll;
