package org.syncready.controller.fleet;

/** A registration request that cannot be carried out; {@code code} is the API's error code. */
public final class RegistryException extends Exception {
    private final String code;

    public RegistryException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
