package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Values;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * DataRow ({@code 'D'}): one row; a {@code null} value is SQL NULL.
 *
 * <p>The proxy forwards rows as frames or streamed chunks without decoding them; this record
 * copies every value and is meant for tests and small clients. {@link #fieldCount(ByteBuf)} reads
 * the column count without touching the values.
 */
public record DataRow(List<byte[]> values) implements BackendMessage {

    public DataRow {
        values = Values.copyOf(values);
    }

    public static DataRow decode(ByteBuf body) {
        int count = Wire.readCount(body, "DataRow column count");
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(Wire.readValue(body, "column " + (i + 1)));
        }
        Wire.requireEnd(body, "DataRow");
        return new DataRow(values);
    }

    /**
     * The column count at the start of a DataRow body (or of its first chunk), without reading it.
     */
    public static int fieldCount(ByteBuf body) {
        if (body.readableBytes() < 2) {
            throw new ProtocolException("invalid message format: DataRow column count is truncated");
        }
        return body.getUnsignedShort(body.readerIndex());
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.DATA_ROW);
        Wire.writeCount(out, values.size(), "DataRow column count");
        for (byte[] value : values) {
            Wire.writeValue(out, value);
        }
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataRow that && Values.equal(values, that.values);
    }

    @Override
    public int hashCode() {
        return Values.hash(values);
    }

    @Override
    public String toString() {
        return "DataRow" + Values.describe(values);
    }
}
