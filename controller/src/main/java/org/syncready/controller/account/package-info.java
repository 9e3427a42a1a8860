/**
 * Accounts: users with a role ({@code admin}, {@code bureau}, {@code school-it}, {@code technician})
 * and their schools, Argon2id password hashes, API tokens and web sessions stored hashed, the
 * failed-login throttle, and the first start's {@code admin}. {@link org.syncready.controller.account.Accounts}
 * is the face; the API's authentication handler and account routes use it.
 */
package org.syncready.controller.account;
