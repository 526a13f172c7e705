package dev.portcullis.api.model;

/** When a POSTGRES Service asks policy-service: at connect only, or for every message too. */
public enum AuthorizationMode {
    CONNECT,
    ALL;

    public static AuthorizationMode parse(String value) {
        return Words.parse(AuthorizationMode.class, value, CONNECT);
    }
}
