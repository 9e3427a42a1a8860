package org.syncready.controller.broker;

/**
 * Box accounts kept in an external broker's own user database (Mosquitto's dynamic security): the
 * fleet registry creates, re-keys and deletes a box's account as the box is registered, rotated and
 * revoked. The embedded broker asks the registry on every CONNECT and needs none: {@link #NONE}.
 * Every method blocks until the broker has confirmed the change, or throws {@link Unavailable}.
 */
public interface BrokerAccounts {

    /** No accounts to keep: the broker asks the registry itself (embedded), or the operator keeps them. */
    BrokerAccounts NONE = new BrokerAccounts() {
        @Override
        public void create(String boxId, String secret) {
        }

        @Override
        public void changeSecret(String boxId, String secret) {
        }

        @Override
        public void delete(String boxId) {
        }
    };

    /**
     * Creates the box's account (user name = client id = box id) with its secret and the rights to its
     * own topic tree; a leftover account of the same name is replaced.
     */
    void create(String boxId, String secret);

    /** Gives the account a new secret; connections made with the old one are closed. */
    void changeSecret(String boxId, String secret);

    /** Deletes the account: the box's connection is closed at once and refused from then on. No account is no error. */
    void delete(String boxId);

    /** The broker could not be reached, did not answer in time, or refused the change; nothing is known to have changed. */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }
}
