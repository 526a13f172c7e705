package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared body of CopyInResponse, CopyOutResponse and CopyBothResponse: an overall format
 * (0 textual, 1 binary) and one format code per column.
 */
record CopyResponseFormat(int overallFormat, List<Integer> columnFormats) {

    static CopyResponseFormat decode(ByteBuf body, String message) {
        int overall = Wire.readByte(body, message + " overall format");
        if (overall != 0 && overall != 1) {
            throw new ProtocolException("invalid message format: " + message + " overall format " + overall);
        }
        int count = Wire.readCount(body, message + " column count");
        List<Integer> formats = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            formats.add((int) Wire.readInt16(body, message + " column format"));
        }
        Wire.requireEnd(body, message);
        return new CopyResponseFormat(overall, formats);
    }

    static void encode(ByteBuf out, byte tag, int overallFormat, List<Integer> columnFormats) {
        int lengthIndex = Wire.beginMessage(out, tag);
        out.writeByte(overallFormat);
        Wire.writeCount(out, columnFormats.size(), "column count");
        for (int format : columnFormats) {
            out.writeShort(format);
        }
        Wire.endMessage(out, lengthIndex);
    }
}
