package dev.portcullis.api.model;

/** What a proxy node does for a Service when it cannot keep access-log events (Kafka away, spool full). */
public enum SpoolFullPolicy {
    /** Refuse new sessions: no session without its audit trail. The default. */
    REFUSE,
    /** Let sessions in and drop their events, each one counted and logged. */
    DROP;

    public static SpoolFullPolicy parse(String value) {
        return Words.parse(SpoolFullPolicy.class, value, REFUSE);
    }
}
