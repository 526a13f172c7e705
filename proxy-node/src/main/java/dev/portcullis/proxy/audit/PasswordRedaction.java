package dev.portcullis.proxy.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Password literals never reach the audit trail: {@code CREATE ROLE/USER ... PASSWORD '...'},
 * {@code ALTER ROLE/USER ... PASSWORD '...'} and {@code \password}'s generated statements have
 * their literal replaced. Conservative: any string literal after the PASSWORD keyword
 * (optionally ENCRYPTED; comments in between), in any statement, is redacted.
 *
 * <p>Where a literal ends depends on the session: a backslash escapes a quote in {@code E'...'},
 * and in plain literals too where standard_conforming_strings is off (a client can SET it). So
 * both readings are taken and whatever either calls the literal is redacted: a quote hidden
 * behind a backslash cannot leave the rest of a password in the trail.
 */
public final class PasswordRedaction {
    private static final String KEYWORD = "(?i)\\bPASSWORD(?:\\s|/\\*.*?\\*/|--[^\\n]*(?:\\n|\\z))+";
    /** $tag$...$tag$ (group 2: the tag, letters, digits and _, not starting with a digit). */
    private static final String DOLLAR = "\\$((?:[A-Za-z_][A-Za-z_0-9]*)?)\\$.*?(?:\\$\\2\\$|\\z)";

    private static final String ESCAPED = "'(?:[^'\\\\]|''|\\\\.)*(?:'|\\z)";
    /** standard_conforming_strings on: backslashes escape only in E'' literals. */
    private static final Pattern STANDARD = Pattern.compile(
            KEYWORD + "(E" + ESCAPED + "|(?:U&)?'(?:[^']|'')*(?:'|\\z)|" + DOLLAR + ")", Pattern.DOTALL);
    /** standard_conforming_strings off: backslashes escape in every literal. */
    private static final Pattern BACKSLASHES =
            Pattern.compile(KEYWORD + "((?:E|U&)?" + ESCAPED + "|" + DOLLAR + ")", Pattern.DOTALL);

    static final String REDACTED = "'<redacted>'";

    private PasswordRedaction() {}

    public static String apply(String sql) {
        if (sql == null
                || sql.length() < 8
                || sql.toUpperCase(java.util.Locale.ROOT).indexOf("PASSWORD") < 0) {
            return sql;
        }
        List<int[]> spans = new ArrayList<>();
        literals(STANDARD, sql, spans);
        if (sql.indexOf('\\') >= 0) {
            literals(BACKSLASHES, sql, spans);
        }
        if (spans.isEmpty()) {
            return sql;
        }
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder out = new StringBuilder(sql.length());
        int at = 0;
        int i = 0;
        while (i < spans.size()) {
            int start = spans.get(i)[0];
            int end = spans.get(i)[1];
            for (i++; i < spans.size() && spans.get(i)[0] <= end; i++) {
                end = Math.max(end, spans.get(i)[1]);
            }
            out.append(sql, at, start).append(REDACTED);
            at = end;
        }
        return out.append(sql, at, sql.length()).toString();
    }

    private static void literals(Pattern p, String sql, List<int[]> spans) {
        Matcher m = p.matcher(sql);
        while (m.find()) {
            spans.add(new int[] {m.start(1), m.end(1)});
        }
    }
}
