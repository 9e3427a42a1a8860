/**
 * Readiness: rules per session kind, the verdict per classroom and session with reason codes and
 * sentences in zh-CN and English, the checks before and during each session (with self-tests), the
 * incident log of what went wrong in class, and the readiness reports. Checks and incidents are kept
 * through a {@link org.syncready.controller.readiness.CheckStore} (implemented in the store package);
 * the verdicts themselves are computed from memory only.
 */
package org.syncready.controller.readiness;
