package dev.portcullis.audit.store;

/**
 * Makes a value fit its column. A value the database refuses would fail its whole batch on
 * every retry and stall the partition behind it, so nothing may reach an insert unfitted.
 */
final class Columns {
    private Columns() {}

    /** At most {@code max} characters, without NUL (PostgreSQL text cannot hold it). */
    static String fit(String value, int max) {
        if (value == null) {
            return "";
        }
        String s = value.indexOf('\0') < 0 ? value : value.replace('\0', ' ');
        if (s.length() <= max) {
            return s;
        }
        // do not split a surrogate pair
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
