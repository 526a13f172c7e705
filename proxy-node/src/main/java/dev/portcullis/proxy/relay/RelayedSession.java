package dev.portcullis.proxy.relay;

/**
 * What the relay needs of the session it carries: a name for log lines, and where to record how it
 * ended. The session owns everything else (limits, timers, registration, its SESSION_END event).
 */
public interface RelayedSession {
    /** For operators' log lines: never the token or any secret. */
    String describe();

    /** The client said goodbye (Terminate), or the proxy ended the session: the upstream closing next is no failure. */
    void markEndedByClient();

    boolean endedByClient();

    /** Why the session ended; the first reason given wins. */
    void endReason(String reason);
}
