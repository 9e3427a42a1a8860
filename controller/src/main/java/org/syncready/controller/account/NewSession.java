package org.syncready.controller.account;

/** A session just started: the cookie value goes to the browser once and is stored only as a hash. */
public record NewSession(WebSession session, String cookieValue, User user) {
    @Override
    public String toString() {
        return "NewSession[" + user.username() + "]";
    }
}
