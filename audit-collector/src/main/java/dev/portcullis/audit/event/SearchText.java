package dev.portcullis.audit.event;

import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.PostgresBindParameter;
import dev.portcullis.api.v1.PostgresInfo;
import java.util.List;
import java.util.StringJoiner;

/**
 * What a text search matches for one event: the SQL for QUERY and PARSE, and for the other
 * messages the names and values a person would look for (statement and portal names, bind
 * values, who logged in as whom, why a session ended or was refused).
 */
public final class SearchText {
    /** Longer texts are cut: the full event is still stored and returned. */
    public static final int MAX_CHARS = 100_000;

    private SearchText() {
    }

    public static String of(AccessLog event, String type) {
        PostgresInfo pg = event.getEntry().getInfo().getPostgres();
        StringJoiner text = new StringJoiner(" ");
        switch (type) {
            case "QUERY" -> text.add(pg.getQuery().getQuery());
            case "PARSE" -> text.add(pg.getParse().getQuery()).add(pg.getParse().getName());
            case "BIND" -> {
                text.add(pg.getBind().getStatement()).add(pg.getBind().getPortal());
                parameters(text, pg.getBind().getParametersList());
            }
            case "EXECUTE" -> text.add(pg.getExecute().getPortal());
            case "CLOSE" -> text.add(pg.getClose().getType()).add(pg.getClose().getName());
            case "FUNCTION_CALL" -> {
                text.add(Integer.toUnsignedString(pg.getFunctionCall().getOid()));
                parameters(text, pg.getFunctionCall().getArgumentsList());
            }
            case "SESSION_START" -> {
                var s = pg.getSessionStart();
                text.add(s.getRequestedUser()).add(s.getRequestedDatabase()).add(s.getUser()).add(s.getDatabase())
                        .add(s.getApplicationName()).add(s.getClientAddress()).add(s.getConfigName());
            }
            case "SESSION_END" -> text.add(pg.getSessionEnd().getReason());
            default -> {
            }
        }
        if (pg.hasQuery() && !type.equals("QUERY")) {
            // a proxy describes a message it could not decode, or streamed, as text in `query`
            text.add(pg.getQuery().getQuery());
        }
        var reason = event.getEntry().getCommon().getReason();
        if (!event.getEntry().getCommon().getIsAuthorized()) {
            text.add(reason.getType()).add(reason.getMessage());
        }
        String s = text.toString().replaceAll("\\s+", " ").strip();
        return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS);
    }

    private static void parameters(StringJoiner text, List<PostgresBindParameter> parameters) {
        for (PostgresBindParameter p : parameters) {
            if (p.hasText()) {
                text.add(p.getText());
            }
        }
    }
}
