package org.syncready.controller.fleet;

/** A newly registered box and its secret, which is shown once and stored only as a hash. */
public record BoxRegistration(Box box, String secret) {
}
