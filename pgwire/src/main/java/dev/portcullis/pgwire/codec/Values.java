package dev.portcullis.pgwire.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Lists of nullable byte-array values (Bind parameters, FunctionCall arguments, DataRow fields),
 * where {@code null} is SQL NULL. Records holding them need deep copies and deep equality, which
 * {@code List.copyOf} (no nulls) and {@code byte[].equals} (identity) do not give.
 */
public final class Values {

    private Values() {}

    /** An unmodifiable deep copy that keeps {@code null} entries. */
    public static List<byte[]> copyOf(List<byte[]> values) {
        List<byte[]> copy = new ArrayList<>(values.size());
        for (byte[] value : values) {
            copy.add(value == null ? null : value.clone());
        }
        return Collections.unmodifiableList(copy);
    }

    public static boolean equal(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    public static int hash(List<byte[]> values) {
        int hash = 1;
        for (byte[] value : values) {
            hash = 31 * hash + Arrays.hashCode(value);
        }
        return hash;
    }

    /**
     * Sizes only, e.g. {@code [2 bytes, NULL]}: values are user data and do not belong in logs by
     * accident (the audit trail renders them deliberately, with its own redaction).
     */
    public static String describe(List<byte[]> values) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            byte[] value = values.get(i);
            text.append(i == 0 ? "" : ", ").append(value == null ? "NULL" : value.length + " bytes");
        }
        return text.append(']').toString();
    }
}
