package dev.portcullis.pgwire.protocol;

/**
 * Field type bytes of ErrorResponse and NoticeResponse ("Error and Notice Message Fields" in the
 * PostgreSQL documentation). A zero byte ends the field list.
 */
public final class ErrorField {

    /** Localized severity (ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG). */
    public static final byte SEVERITY = 'S';
    /** Severity, never localized (PostgreSQL 9.6+). */
    public static final byte SEVERITY_NON_LOCALIZED = 'V';
    /** SQLSTATE code. */
    public static final byte CODE = 'C';

    public static final byte MESSAGE = 'M';
    public static final byte DETAIL = 'D';
    public static final byte HINT = 'H';
    /** Cursor position in the original query, 1-based, in characters. */
    public static final byte POSITION = 'P';

    public static final byte INTERNAL_POSITION = 'p';
    public static final byte INTERNAL_QUERY = 'q';
    public static final byte WHERE = 'W';
    public static final byte SCHEMA_NAME = 's';
    public static final byte TABLE_NAME = 't';
    public static final byte COLUMN_NAME = 'c';
    public static final byte DATA_TYPE_NAME = 'd';
    public static final byte CONSTRAINT_NAME = 'n';
    public static final byte FILE = 'F';
    public static final byte LINE = 'L';
    public static final byte ROUTINE = 'R';
    /** Terminates the list of fields. */
    public static final byte TERMINATOR = 0;

    private ErrorField() {}
}
