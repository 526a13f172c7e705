package dev.portcullis.pgwire.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.pgwire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The primitive encodings of the protocol: big-endian Int16/Int32, NUL-terminated UTF-8 strings,
 * length-prefixed values where -1 means NULL, and the {@code tag, Int32 length} message header.
 *
 * <p>Every read checks that the bytes are there and throws {@link ProtocolException} otherwise,
 * so a message that lies about its contents becomes a clean protocol error instead of an
 * {@code IndexOutOfBoundsException} escaping from a decoder. Reads take a {@code field} name only
 * to make those errors say what was malformed.
 */
public final class Wire {

    /** Tag byte + Int32 length. */
    public static final int HEADER_LENGTH = 5;

    private Wire() {}

    // ---------------------------------------------------------------- reading

    public static byte readByte(ByteBuf in, String field) {
        require(in, 1, field);
        return in.readByte();
    }

    /** A signed Int16, as used for format codes, type sizes and column numbers. */
    public static short readInt16(ByteBuf in, String field) {
        require(in, 2, field);
        return in.readShort();
    }

    /**
     * An Int16 count (number of parameters, columns, formats). PostgreSQL reads these unsigned, so
     * 65535 parameters are legal and a count is never negative.
     */
    public static int readCount(ByteBuf in, String field) {
        require(in, 2, field);
        return in.readUnsignedShort();
    }

    public static int readInt32(ByteBuf in, String field) {
        require(in, 4, field);
        return in.readInt();
    }

    /** Exactly {@code length} bytes, copied. */
    public static byte[] readBytes(ByteBuf in, int length, String field) {
        require(in, length, field);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    /** Everything left in {@code in}, copied. */
    public static byte[] readRemaining(ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        return bytes;
    }

    /**
     * An Int32-length-prefixed value: {@code null} for length -1 (SQL NULL), otherwise a copy of
     * that many bytes. Lengths below -1 or beyond the message are protocol violations.
     */
    public static byte[] readValue(ByteBuf in, String field) {
        int length = readInt32(in, field + " length");
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw new ProtocolException("invalid message format: " + field + " has length " + length);
        }
        return readBytes(in, length, field);
    }

    /** A NUL-terminated UTF-8 string; a missing terminator is a protocol violation. */
    public static String readCString(ByteBuf in, String field) {
        int length = in.bytesBefore((byte) 0);
        if (length < 0) {
            throw new ProtocolException("invalid message format: " + field + " is not NUL-terminated");
        }
        String value = in.toString(in.readerIndex(), length, UTF_8);
        in.skipBytes(length + 1);
        return value;
    }

    /** Fails unless {@code in} has been read to its end: trailing bytes mean a malformed message. */
    public static void requireEnd(ByteBuf in, String message) {
        if (in.isReadable()) {
            throw new ProtocolException(
                    "invalid message format: " + in.readableBytes() + " unexpected bytes at the end of " + message);
        }
    }

    private static void require(ByteBuf in, int length, String field) {
        if (in.readableBytes() < length) {
            throw new ProtocolException("invalid message format: " + field + " is truncated");
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a NUL-terminated UTF-8 string.
     *
     * @throws IllegalArgumentException if {@code value} contains NUL, which the protocol cannot
     *     carry: writing it would silently truncate the string at the receiver and shift every field
     *     after it
     */
    public static void writeCString(ByteBuf out, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a protocol string cannot contain NUL characters");
        }
        out.writeCharSequence(value, UTF_8);
        out.writeByte(0);
    }

    /** Writes an Int16 count, refusing what does not fit the unsigned 16-bit field. */
    public static void writeCount(ByteBuf out, int count, String field) {
        if (count < 0 || count > 0xffff) {
            throw new IllegalArgumentException(field + " must be 0..65535, was " + count);
        }
        out.writeShort(count);
    }

    /** Writes an Int32-length-prefixed value, -1 for {@code null}. */
    public static void writeValue(ByteBuf out, byte[] value) {
        if (value == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(value.length);
            out.writeBytes(value);
        }
    }

    /**
     * Starts a tagged message: writes the tag and a placeholder length.
     *
     * @return the index of the length field, to hand to {@link #endMessage(ByteBuf, int)}
     */
    public static int beginMessage(ByteBuf out, byte tag) {
        out.writeByte(tag);
        return beginUntagged(out);
    }

    /** Starts an untagged (startup-phase) packet; see {@link #beginMessage(ByteBuf, byte)}. */
    public static int beginUntagged(ByteBuf out) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        return lengthIndex;
    }

    /** Back-fills the length of a message started at {@code lengthIndex}; it counts itself. */
    public static void endMessage(ByteBuf out, int lengthIndex) {
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    /** Writes the 5-byte header of a message whose body of {@code bodyLength} bytes follows. */
    public static void writeHeader(ByteBuf out, byte tag, int bodyLength) {
        out.writeByte(tag);
        out.writeInt(bodyLength + 4);
    }
}
