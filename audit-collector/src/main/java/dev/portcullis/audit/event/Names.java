package dev.portcullis.audit.event;

import java.util.Locale;

/** Reference names as people type them. */
public final class Names {
    private Names() {}

    /**
     * "pg1.default" → "pg1". Resource names are DNS labels (no dots), so whatever follows the first
     * dot is the namespace; searching by "pg1" or "pg1.default" must find the same events.
     */
    public static String withoutNamespace(String name) {
        if (name == null) {
            return "";
        }
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** Message types compare upper-case: "query" finds QUERY. */
    public static String type(String type) {
        return type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
    }
}
