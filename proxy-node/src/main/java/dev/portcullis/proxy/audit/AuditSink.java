package dev.portcullis.proxy.audit;

import dev.portcullis.api.v1.AccessLog;

/** Where access-log events go. Implementations never block the caller (an event loop). */
public interface AuditSink {
    void publish(AccessLog event);

    /** False while events could not be kept (spool full): new sessions must then be refused. */
    boolean accepting();

    /** False when publishing is off: then events need not even be described. */
    default boolean enabled() {
        return true;
    }
}
