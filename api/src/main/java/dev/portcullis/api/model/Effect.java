package dev.portcullis.api.model;

/** What a matching rule decides. */
public enum Effect {
    ALLOW,
    DENY;

    public static Effect parse(String value) {
        return Words.parse(Effect.class, value, null);
    }
}
