package dev.portcullis.api.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of the enum-like words users write in resources, with errors that list the choices. */
final class Words {
    private Words() {}

    /**
     * @param fallback returned for an empty value; when null, an empty value is an error
     * @throws IllegalArgumentException "unknown value "X"; expected one of A, B"
     */
    static <E extends Enum<E>> E parse(Class<E> type, String value, E fallback) {
        if (value == null || value.isEmpty()) {
            if (fallback != null) {
                return fallback;
            }
            throw new IllegalArgumentException("missing; expected one of " + choices(type));
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown value \"" + value + "\"; expected one of " + choices(type));
        }
    }

    static <E extends Enum<E>> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
