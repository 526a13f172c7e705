package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Values;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Bind ({@code 'B'}): create a portal from a prepared statement and parameter values.
 *
 * <p>Format-code lists follow the protocol's shorthand: empty means all text, one entry applies to
 * all, otherwise one per value ({@link #parameterFormat(int)} resolves it). A {@code null}
 * parameter value is SQL NULL (length -1 on the wire). Values are copied out of the message;
 * decoding Bind is for auditing, while the proxy forwards the original frame.
 */
public record Bind(
        String portal,
        String statement,
        List<Integer> parameterFormats,
        List<byte[]> parameterValues,
        List<Integer> resultFormats)
        implements FrontendMessage {

    public Bind {
        parameterFormats = List.copyOf(parameterFormats);
        parameterValues = Values.copyOf(parameterValues);
        resultFormats = List.copyOf(resultFormats);
        if (parameterFormats.size() > 1 && parameterFormats.size() != parameterValues.size()) {
            throw new IllegalArgumentException(formatMismatch(parameterFormats.size(), parameterValues.size()));
        }
    }

    public static Bind decode(ByteBuf body) {
        String portal = Wire.readCString(body, "portal name");
        String statement = Wire.readCString(body, "prepared statement name");
        List<Integer> parameterFormats = readFormats(body, "parameter format");
        int count = Wire.readCount(body, "parameter count");
        if (parameterFormats.size() > 1 && parameterFormats.size() != count) {
            // PostgreSQL reports this very mismatch as a protocol violation too
            throw new ProtocolException(formatMismatch(parameterFormats.size(), count));
        }
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(Wire.readValue(body, "parameter " + (i + 1)));
        }
        List<Integer> resultFormats = readFormats(body, "result format");
        Wire.requireEnd(body, "Bind");
        return new Bind(portal, statement, parameterFormats, values, resultFormats);
    }

    private static List<Integer> readFormats(ByteBuf body, String field) {
        int count = Wire.readCount(body, field + " count");
        List<Integer> formats = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            formats.add((int) Wire.readInt16(body, field));
        }
        return formats;
    }

    private static String formatMismatch(int formats, int values) {
        return "bind message has " + formats + " parameter formats but " + values + " parameters";
    }

    /** The format code of parameter {@code index} (0-based) after applying the shorthand. */
    public int parameterFormat(int index) {
        if (parameterFormats.isEmpty()) {
            return 0;
        }
        return parameterFormats.size() == 1 ? parameterFormats.get(0) : parameterFormats.get(index);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.BIND);
        Wire.writeCString(out, portal);
        Wire.writeCString(out, statement);
        writeFormats(out, parameterFormats, "parameter format count");
        Wire.writeCount(out, parameterValues.size(), "parameter count");
        for (byte[] value : parameterValues) {
            Wire.writeValue(out, value);
        }
        writeFormats(out, resultFormats, "result format count");
        Wire.endMessage(out, lengthIndex);
    }

    private static void writeFormats(ByteBuf out, List<Integer> formats, String field) {
        Wire.writeCount(out, formats.size(), field);
        for (int format : formats) {
            out.writeShort(format);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bind that
                && portal.equals(that.portal)
                && statement.equals(that.statement)
                && parameterFormats.equals(that.parameterFormats)
                && Values.equal(parameterValues, that.parameterValues)
                && resultFormats.equals(that.resultFormats);
    }

    @Override
    public int hashCode() {
        return ((portal.hashCode() * 31 + statement.hashCode()) * 31 + Values.hash(parameterValues)) * 31
                + parameterFormats.hashCode();
    }

    @Override
    public String toString() {
        return "Bind[portal=" + portal + ", statement=" + statement + ", parameterFormats="
                + parameterFormats + ", parameterValues=" + Values.describe(parameterValues)
                + ", resultFormats=" + resultFormats + "]";
    }
}
