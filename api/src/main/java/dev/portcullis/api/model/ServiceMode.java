package dev.portcullis.api.model;

/** The protocol a Service speaks. Only PostgreSQL for now. */
public enum ServiceMode {
    POSTGRES;

    public static ServiceMode parse(String value) {
        return Words.parse(ServiceMode.class, value, null);
    }
}
