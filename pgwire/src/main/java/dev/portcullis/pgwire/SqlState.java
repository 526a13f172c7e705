package dev.portcullis.pgwire;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A PostgreSQL SQLSTATE: five characters from {@code [0-9A-Z]} and, for the codes Portcullis
 * itself reports, the condition name from PostgreSQL's {@code errcodes.txt}.
 *
 * <p>A record rather than an enum because upstream servers send codes this class does not list;
 * {@link #of(String)} keeps them intact so they can be relayed verbatim.
 */
public record SqlState(String code, String conditionName) {

    public static final SqlState SUCCESSFUL_COMPLETION = known("00000", "successful_completion");
    public static final SqlState WARNING = known("01000", "warning");
    public static final SqlState CONNECTION_EXCEPTION = known("08000", "connection_exception");
    public static final SqlState CONNECTION_DOES_NOT_EXIST = known("08003", "connection_does_not_exist");
    public static final SqlState CONNECTION_FAILURE = known("08006", "connection_failure");
    public static final SqlState SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION =
            known("08001", "sqlclient_unable_to_establish_sqlconnection");
    public static final SqlState SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION =
            known("08004", "sqlserver_rejected_establishment_of_sqlconnection");
    public static final SqlState PROTOCOL_VIOLATION = known("08P01", "protocol_violation");
    public static final SqlState FEATURE_NOT_SUPPORTED = known("0A000", "feature_not_supported");
    public static final SqlState CHARACTER_NOT_IN_REPERTOIRE = known("22021", "character_not_in_repertoire");
    public static final SqlState INVALID_PARAMETER_VALUE = known("22023", "invalid_parameter_value");
    public static final SqlState READ_ONLY_SQL_TRANSACTION = known("25006", "read_only_sql_transaction");
    public static final SqlState IN_FAILED_SQL_TRANSACTION = known("25P02", "in_failed_sql_transaction");
    public static final SqlState IDLE_IN_TRANSACTION_SESSION_TIMEOUT =
            known("25P03", "idle_in_transaction_session_timeout");
    public static final SqlState INVALID_SQL_STATEMENT_NAME = known("26000", "invalid_sql_statement_name");
    public static final SqlState INVALID_AUTHORIZATION_SPECIFICATION =
            known("28000", "invalid_authorization_specification");
    public static final SqlState INVALID_PASSWORD = known("28P01", "invalid_password");
    public static final SqlState INVALID_CURSOR_NAME = known("34000", "invalid_cursor_name");
    public static final SqlState INVALID_CATALOG_NAME = known("3D000", "invalid_catalog_name");
    public static final SqlState INVALID_SCHEMA_NAME = known("3F000", "invalid_schema_name");
    public static final SqlState INSUFFICIENT_PRIVILEGE = known("42501", "insufficient_privilege");
    public static final SqlState SYNTAX_ERROR = known("42601", "syntax_error");
    public static final SqlState UNDEFINED_OBJECT = known("42704", "undefined_object");
    public static final SqlState INSUFFICIENT_RESOURCES = known("53000", "insufficient_resources");
    public static final SqlState TOO_MANY_CONNECTIONS = known("53300", "too_many_connections");
    public static final SqlState CONFIGURATION_LIMIT_EXCEEDED = known("53400", "configuration_limit_exceeded");
    public static final SqlState PROGRAM_LIMIT_EXCEEDED = known("54000", "program_limit_exceeded");
    public static final SqlState OBJECT_NOT_IN_PREREQUISITE_STATE = known("55000", "object_not_in_prerequisite_state");
    public static final SqlState OPERATOR_INTERVENTION = known("57000", "operator_intervention");
    public static final SqlState QUERY_CANCELED = known("57014", "query_canceled");
    public static final SqlState ADMIN_SHUTDOWN = known("57P01", "admin_shutdown");
    public static final SqlState CRASH_SHUTDOWN = known("57P02", "crash_shutdown");
    public static final SqlState CANNOT_CONNECT_NOW = known("57P03", "cannot_connect_now");
    public static final SqlState IDLE_SESSION_TIMEOUT = known("57P05", "idle_session_timeout");
    public static final SqlState SYSTEM_ERROR = known("58000", "system_error");
    public static final SqlState INTERNAL_ERROR = known("XX000", "internal_error");

    private static final Map<String, SqlState> KNOWN = Stream.of(
                    SUCCESSFUL_COMPLETION,
                    WARNING,
                    CONNECTION_EXCEPTION,
                    CONNECTION_DOES_NOT_EXIST,
                    CONNECTION_FAILURE,
                    SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION,
                    PROTOCOL_VIOLATION,
                    FEATURE_NOT_SUPPORTED,
                    CHARACTER_NOT_IN_REPERTOIRE,
                    INVALID_PARAMETER_VALUE,
                    READ_ONLY_SQL_TRANSACTION,
                    IN_FAILED_SQL_TRANSACTION,
                    IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
                    INVALID_SQL_STATEMENT_NAME,
                    INVALID_AUTHORIZATION_SPECIFICATION,
                    INVALID_PASSWORD,
                    INVALID_CURSOR_NAME,
                    INVALID_CATALOG_NAME,
                    INVALID_SCHEMA_NAME,
                    INSUFFICIENT_PRIVILEGE,
                    SYNTAX_ERROR,
                    UNDEFINED_OBJECT,
                    INSUFFICIENT_RESOURCES,
                    TOO_MANY_CONNECTIONS,
                    CONFIGURATION_LIMIT_EXCEEDED,
                    PROGRAM_LIMIT_EXCEEDED,
                    OBJECT_NOT_IN_PREREQUISITE_STATE,
                    OPERATOR_INTERVENTION,
                    QUERY_CANCELED,
                    ADMIN_SHUTDOWN,
                    CRASH_SHUTDOWN,
                    CANNOT_CONNECT_NOW,
                    IDLE_SESSION_TIMEOUT,
                    SYSTEM_ERROR,
                    INTERNAL_ERROR)
            .collect(Collectors.toUnmodifiableMap(SqlState::code, Function.identity()));

    public SqlState {
        if (code == null || code.length() != 5) {
            throw new IllegalArgumentException("an SQLSTATE has exactly five characters");
        }
        for (int i = 0; i < 5; i++) {
            char c = code.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("an SQLSTATE uses only 0-9 and A-Z: " + code);
            }
        }
        if (conditionName == null) {
            conditionName = "";
        }
    }

    private static SqlState known(String code, String conditionName) {
        return new SqlState(code, conditionName);
    }

    /**
     * The constant for {@code code} if this class lists it, otherwise a new instance with an empty
     * condition name (codes sent by an upstream server are relayed as they are).
     *
     * @throws IllegalArgumentException if {@code code} is not five characters of {@code [0-9A-Z]}
     */
    public static SqlState of(String code) {
        SqlState known = KNOWN.get(code);
        return known != null ? known : new SqlState(code, "");
    }

    /** The two-character class, e.g. {@code "28"} for every authorization failure. */
    public String sqlClass() {
        return code.substring(0, 2);
    }

    /** Two SQLSTATEs are the same condition when their codes match; the name is documentation. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SqlState that && code.equals(that.code);
    }

    @Override
    public int hashCode() {
        return code.hashCode();
    }

    @Override
    public String toString() {
        return conditionName.isEmpty() ? code : code + " " + conditionName;
    }
}
