package dev.portcullis.pgwire.fuzz;

import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid messages encoded back to back, remembering where each length field and type byte sits so
 * that {@link Mutation}s can corrupt exactly those.
 *
 * @param messages what was encoded, in order
 * @param encoded each message's bytes
 * @param bytes all of them concatenated
 * @param lengthFields offsets of the Int32 length fields
 * @param tagOffsets offsets of the type bytes (untagged startup packets have none)
 */
record WireStream(
        List<PgMessage> messages,
        List<byte[]> encoded,
        byte[] bytes,
        List<Integer> lengthFields,
        List<Integer> tagOffsets) {

    static WireStream of(List<? extends PgMessage> messages) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<byte[]> encoded = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        for (PgMessage message : messages) {
            byte[] one = encode(message);
            boolean tagged = !(message instanceof StartupPacket);
            if (tagged) {
                tags.add(all.size());
            }
            lengths.add(all.size() + (tagged ? 1 : 0));
            encoded.add(one);
            all.writeBytes(one);
        }
        return new WireStream(
                List.copyOf(messages),
                List.copyOf(encoded),
                all.toByteArray(),
                List.copyOf(lengths),
                List.copyOf(tags));
    }

    static byte[] encode(PgMessage message) {
        ByteBuf out = Unpooled.buffer();
        try {
            message.encode(out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** The value of the length field of message {@code index}, as encoded. */
    int declaredLength(int index) {
        byte[] one = encoded.get(index);
        int at = messages.get(index) instanceof StartupPacket ? 0 : 1;
        return (one[at] & 0xff) << 24 | (one[at + 1] & 0xff) << 16 | (one[at + 2] & 0xff) << 8 | one[at + 3] & 0xff;
    }

    @Override
    public String toString() {
        return "WireStream" + messages + " (" + bytes.length + " bytes)";
    }
}
