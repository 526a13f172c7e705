package dev.portcullis.pgwire.frame;

import dev.portcullis.pgwire.InvalidMessageLengthException;
import dev.portcullis.pgwire.MessageTooLargeException;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;

/**
 * Reads the untagged packets that open a connection (StartupMessage, SSLRequest, GSSENCRequest,
 * CancelRequest) from accumulated input.
 *
 * <p>Startup packets are small and fully decoded here, so no buffer escapes: the packet is parsed
 * from a view of the input and the input advanced past it. The length is checked before waiting
 * for the rest (at least 8 bytes, at most {@code maxLength}, PostgreSQL's 10000 by default).
 *
 * <p>After an SSLRequest or GSSENCRequest answered {@code 'S'}, the caller must check that the
 * input holds nothing more before starting the handshake: plaintext pipelined behind the request
 * would otherwise be treated as if it came over TLS (CVE-2021-23214).
 */
public final class StartupPacketDecoder {

    private final int maxLength;

    /** A decoder with PostgreSQL's cap of 10000 bytes. */
    public StartupPacketDecoder() {
        this(StartupCode.MAX_STARTUP_PACKET_LENGTH);
    }

    public StartupPacketDecoder(int maxLength) {
        if (maxLength < StartupCode.MIN_STARTUP_PACKET_LENGTH) {
            throw new IllegalArgumentException("maxLength must be at least 8");
        }
        this.maxLength = maxLength;
    }

    /**
     * The next startup packet, or {@code null} (consuming nothing) until all of it has arrived.
     *
     * @throws InvalidMessageLengthException for a length below 8 (negative included)
     * @throws MessageTooLargeException for a length above the cap
     * @throws ProtocolException for a malformed packet or an unsupported protocol version; the input
     *     is left where the packet starts
     */
    public StartupPacket next(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return null;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < StartupCode.MIN_STARTUP_PACKET_LENGTH) {
            throw new InvalidMessageLengthException("startup packet", length, StartupCode.MIN_STARTUP_PACKET_LENGTH);
        }
        if (length > maxLength) {
            throw new MessageTooLargeException("startup packet", length, maxLength);
        }
        if (in.readableBytes() < length) {
            return null;
        }
        StartupPacket packet = StartupPacket.decode(in.slice(start + 4, length - 4));
        in.skipBytes(length);
        return packet;
    }
}
