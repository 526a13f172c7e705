package dev.portcullis.proxy.audit;

/** Where access-log events go. Implementations never block the caller (an event loop). */
public interface AuditSink {
    void publish(AuditEvent event);

    /** False while events could not be kept (spool full): new sessions must then be refused. */
    boolean accepting();

    /** False when publishing is off: then events need not even be described. */
    default boolean enabled() {
        return true;
    }
}
