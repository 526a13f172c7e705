package dev.portcullis.proxy.audit;

import java.util.regex.Pattern;

/**
 * Password literals never reach the audit trail: {@code CREATE ROLE/USER ... PASSWORD '...'},
 * {@code ALTER ROLE/USER ... PASSWORD '...'} and {@code \password}'s generated statements have
 * their literal replaced. Conservative: any string literal right after the PASSWORD keyword
 * (optionally ENCRYPTED), in any statement, is redacted.
 */
public final class PasswordRedaction {
    private static final Pattern PASSWORD_LITERAL = Pattern.compile(
            "(?i)(\\bPASSWORD\\s+)(?:E?'(?:[^']|'')*(?:'|\\z)|\\$([A-Za-z_]*)\\$.*?\\$\\2\\$)", Pattern.DOTALL);
    static final String REDACTED = "'<redacted>'";

    private PasswordRedaction() {
    }

    public static String apply(String sql) {
        if (sql == null || sql.length() < 8 || sql.toUpperCase(java.util.Locale.ROOT).indexOf("PASSWORD") < 0) {
            return sql;
        }
        return PASSWORD_LITERAL.matcher(sql).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + REDACTED));
    }
}
