package dev.portcullis.proxy.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * What a query text does, as statement kinds from a real SQL parser (ctx.request.postgres.query
 * .commands): every statement of a multi-statement text, and the data-modifying CTEs of a WITH,
 * so that comments, whitespace, {@code SELECT 1; DROP TABLE t} or {@code WITH x AS (UPDATE ...)
 * SELECT ...} cannot pass as a plain SELECT. Text the parser cannot read is {@code UNKNOWN}:
 * policies written as allowlists (all commands are SELECT) then deny it, failing closed.
 */
public final class StatementKinds {
    public static final String UNKNOWN = "UNKNOWN";

    private StatementKinds() {}

    /** Transaction control, which the SQL parser does not read: BEGIN, COMMIT, ROLLBACK, SAVEPOINT... */
    private static final java.util.regex.Pattern TRANSACTION = java.util.regex.Pattern.compile(
            "(?i)\\s*(begin|start|commit|end|rollback|abort|savepoint|release)\\b[\\s\\w]*;?\\s*");

    public static List<String> of(String sql) {
        if (sql == null || sql.isBlank()) {
            return List.of();
        }
        var tx = TRANSACTION.matcher(sql);
        if (tx.matches()) {
            String word = tx.group(1).toUpperCase(Locale.ROOT);
            return List.of(
                    word.equals("START")
                            ? "BEGIN"
                            : word.equals("END") ? "COMMIT" : word.equals("ABORT") ? "ROLLBACK" : word);
        }
        Set<String> kinds = new LinkedHashSet<>();
        parse(sql, false, kinds);
        if (sql.indexOf('\\') >= 0) {
            // PostgreSQL reads a backslash before a quote as an escape in E'...' literals, and in
            // plain ones where standard_conforming_strings is off (a client can SET it): then
            // "SELECT E'\'' ; UPDATE t ..." is a SELECT and an UPDATE, not one SELECT. Both
            // readings are taken, so whatever the session's setting, nothing hides in a literal.
            parse(sql, true, kinds);
        }
        return kinds.isEmpty() ? List.of(UNKNOWN) : new ArrayList<>(kinds);
    }

    private static void parse(String sql, boolean backslashEscapes, Set<String> kinds) {
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(sql, p -> p.withBackslashEscapeCharacter(backslashEscapes));
        } catch (Exception | StackOverflowError e) {
            kinds.add(UNKNOWN);
            return;
        }
        for (Statement s : statements) {
            collect(s, kinds);
        }
    }

    private static void collect(Statement s, Set<String> kinds) {
        if (s == null) {
            return;
        }
        kinds.add(kind(s));
        for (WithItem<?> w : withItems(s)) {
            collect(w.getParenthesedStatement(), kinds);
        }
    }

    private static List<WithItem<?>> withItems(Statement s) {
        List<WithItem<?>> items = null;
        if (s instanceof net.sf.jsqlparser.statement.select.Select sel) {
            items = sel.getWithItemsList();
        } else if (s instanceof net.sf.jsqlparser.statement.update.Update u) {
            items = u.getWithItemsList();
        } else if (s instanceof net.sf.jsqlparser.statement.insert.Insert i) {
            items = i.getWithItemsList();
        } else if (s instanceof net.sf.jsqlparser.statement.delete.Delete d) {
            items = d.getWithItemsList();
        }
        return items == null ? List.of() : items;
    }

    private static String kind(Statement s) {
        if (s instanceof net.sf.jsqlparser.statement.select.ParenthesedSelect p
                && p.getSelect() != null
                && p.getSelect() != p) {
            return kind(p.getSelect());
        }
        String name = s.getClass().getSimpleName();
        for (String prefix : new String[] {"Parenthesed", "Plain", "SetOperationList"}) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                name = name.substring(prefix.length());
            }
        }
        if (s instanceof net.sf.jsqlparser.statement.select.Select) {
            return "SELECT";
        }
        if (name.startsWith("Create")) {
            return "CREATE";
        }
        if (name.startsWith("Alter")) {
            return "ALTER";
        }
        if (name.equals("Upsert")) {
            return "INSERT";
        }
        if (name.equals("SetStatement")) {
            return "SET";
        }
        return name.replace("Statement", "").toUpperCase(Locale.ROOT);
    }
}
