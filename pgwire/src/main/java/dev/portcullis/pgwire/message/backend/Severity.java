package dev.portcullis.pgwire.message.backend;

/**
 * The non-localized severities of ErrorResponse ({@link #ERROR}, {@link #FATAL}, {@link #PANIC})
 * and NoticeResponse (the others). FATAL ends the session; ERROR only the current command.
 */
public enum Severity {
    ERROR,
    FATAL,
    PANIC,
    WARNING,
    NOTICE,
    DEBUG,
    INFO,
    LOG
}
