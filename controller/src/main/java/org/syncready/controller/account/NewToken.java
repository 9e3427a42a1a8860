package org.syncready.controller.account;

/** A token just created, with its secret: the only time the secret exists outside the caller's hands. */
public record NewToken(ApiToken token, String secret) {
    @Override
    public String toString() {
        return "NewToken[" + token.id() + "]";
    }
}
