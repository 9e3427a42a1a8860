package org.syncready.bench.sim;

/** What a box needs to log in to the broker: its id (client id and user name) and its secret. */
public record BoxCredentials(String boxId, String password) {
}
