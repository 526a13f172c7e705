package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.ErrorField;
import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fields of an ErrorResponse or NoticeResponse, keyed by their type byte
 * ({@link ErrorField}), in the order they were sent. Unknown field types are kept, as the
 * protocol asks clients to ignore (not reject) them.
 */
public final class ErrorFields {

    private final Map<Byte, String> fields;

    private ErrorFields(Map<Byte, String> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Fields from a map of type byte to value, e.g. those of a message being relayed. */
    public static ErrorFields of(Map<Byte, String> fields) {
        fields.keySet().forEach(ErrorFields::checkType);
        fields.values().forEach(Objects::requireNonNull);
        return new ErrorFields(fields);
    }

    static ErrorFields decode(ByteBuf body, String message) {
        Map<Byte, String> fields = new LinkedHashMap<>();
        while (true) {
            byte type = Wire.readByte(body, message + " field type");
            if (type == ErrorField.TERMINATOR) {
                break;
            }
            // a repeated type keeps its last value, as libpq does
            fields.put(type, Wire.readCString(body, message + " field '" + (char) type + "'"));
        }
        Wire.requireEnd(body, message);
        return new ErrorFields(fields);
    }

    void encode(ByteBuf out) {
        fields.forEach((type, value) -> {
            out.writeByte(type);
            Wire.writeCString(out, value);
        });
        out.writeByte(ErrorField.TERMINATOR);
    }

    private static void checkType(byte type) {
        if (type == ErrorField.TERMINATOR) {
            throw new IllegalArgumentException("field type 0 would end the field list");
        }
    }

    /** The value of field {@code type}, or {@code null}. */
    public String get(byte type) {
        return fields.get(type);
    }

    public Map<Byte, String> asMap() {
        return fields;
    }

    /** Localized severity, the only one servers before 9.6 send. */
    public String severity() {
        return fields.get(ErrorField.SEVERITY);
    }

    /** The {@code V} field if present, else {@code S}: the severity to act upon. */
    public String severityNonLocalized() {
        String severity = fields.get(ErrorField.SEVERITY_NON_LOCALIZED);
        return severity != null ? severity : severity();
    }

    /** The SQLSTATE, or {@code null} if the field is missing or not a valid code. */
    public SqlState sqlState() {
        String code = fields.get(ErrorField.CODE);
        try {
            return code == null ? null : SqlState.of(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String message() {
        return fields.get(ErrorField.MESSAGE);
    }

    public String detail() {
        return fields.get(ErrorField.DETAIL);
    }

    public String hint() {
        return fields.get(ErrorField.HINT);
    }

    public String position() {
        return fields.get(ErrorField.POSITION);
    }

    public String where() {
        return fields.get(ErrorField.WHERE);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ErrorFields that && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        fields.forEach((type, value) -> text.append(text.length() > 1 ? ", " : "")
                .append((char) type.byteValue())
                .append('=')
                .append(value));
        return text.append('}').toString();
    }

    /** Builds fields in wire order: severity, code, message, then the optional ones. */
    public static final class Builder {

        private final Map<Byte, String> fields = new LinkedHashMap<>();

        private Builder() {}

        /** Sets both {@code S} and {@code V}: Portcullis never localizes. */
        public Builder severity(Severity severity) {
            fields.put(ErrorField.SEVERITY, severity.name());
            fields.put(ErrorField.SEVERITY_NON_LOCALIZED, severity.name());
            return this;
        }

        public Builder sqlState(SqlState sqlState) {
            return field(ErrorField.CODE, sqlState.code());
        }

        public Builder message(String message) {
            return field(ErrorField.MESSAGE, message);
        }

        /** Sets the detail unless {@code detail} is null, so optional parts chain without ifs. */
        public Builder detail(String detail) {
            return field(ErrorField.DETAIL, detail);
        }

        /** Sets the hint unless {@code hint} is null. */
        public Builder hint(String hint) {
            return field(ErrorField.HINT, hint);
        }

        /** Sets any field; a {@code null} value leaves it unset. */
        public Builder field(byte type, String value) {
            checkType(type);
            if (value != null) {
                fields.put(type, value);
            }
            return this;
        }

        /**
         * @throws IllegalStateException unless severity, code and message are set: the three fields
         *     the protocol says are always present
         */
        public ErrorFields build() {
            if (!fields.containsKey(ErrorField.SEVERITY)
                    || !fields.containsKey(ErrorField.CODE)
                    || !fields.containsKey(ErrorField.MESSAGE)) {
                throw new IllegalStateException("severity, SQLSTATE and message are required");
            }
            return new ErrorFields(fields);
        }
    }
}
