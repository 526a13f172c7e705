package dev.portcullis.proxy.audit;

/**
 * For Services that ask for it (spec.audit.redactLiterals): every SQL literal becomes {@code ?} —
 * quoted strings (also E'' and dollar-quoted) and numbers — while identifiers, quoted
 * identifiers, keywords, parameters ($1) and comments stay, so the trail still shows what was
 * done to what, without the values.
 */
public final class LiteralRedaction {
    private LiteralRedaction() {}

    public static String apply(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\''
                    || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'' && !identPart(sql, i - 1))) {
                boolean escapes = c != '\''; // in E'...' a backslash escapes the next character, a quote too
                int j = c == '\'' ? i + 1 : i + 2;
                while (j < n) {
                    if (escapes && sql.charAt(j) == '\\') {
                        j += 2;
                    } else if (sql.charAt(j) == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
                        j += 2;
                    } else if (sql.charAt(j) == '\'') {
                        j++;
                        break;
                    } else {
                        j++;
                    }
                }
                out.append('?');
                i = j;
            } else if (c == '$' && dollarTag(sql, i) != null && !identPart(sql, i - 1)) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                out.append('?');
                i = end < 0 ? n : end + tag.length();
            } else if (c == '"') {
                int j = sql.indexOf('"', i + 1);
                j = j < 0 ? n : j + 1;
                out.append(sql, i, j);
                i = j;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                j = j < 0 ? n : j;
                out.append(sql, i, j);
                i = j;
            } else if (Character.isDigit(c) && !identPart(sql, i - 1)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                out.append('?');
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** "$tag$" (or "$$") starting at i, or null; "$1" is a parameter, not a tag. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
    }

    private static boolean identPart(String sql, int i) {
        if (i < 0) {
            return false;
        }
        char c = sql.charAt(i);
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
