package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;

/**
 * CancelRequest, sent on a fresh connection: cancel what the backend identified by
 * {@code processId} and {@code secretKey} (from its BackendKeyData) is running. The key is 4 bytes
 * up to protocol 3.1; PostgreSQL 18 (protocol 3.2) may use up to 256 bytes.
 *
 * <p>The key is a bearer secret: whoever knows it can cancel the session's queries, so it is never
 * printed.
 */
public record CancelRequest(int processId, byte[] secretKey) implements StartupPacket {

    public CancelRequest {
        if (secretKey.length < StartupCode.MIN_CANCEL_KEY_LENGTH
                || secretKey.length > StartupCode.MAX_CANCEL_KEY_LENGTH) {
            throw new IllegalArgumentException("a cancel key has 4 to 256 bytes");
        }
        secretKey = secretKey.clone();
    }

    static CancelRequest decodeAfterCode(ByteBuf body) {
        int processId = Wire.readInt32(body, "CancelRequest process id");
        int keyLength = body.readableBytes();
        if (keyLength < StartupCode.MIN_CANCEL_KEY_LENGTH || keyLength > StartupCode.MAX_CANCEL_KEY_LENGTH) {
            throw new ProtocolException(
                    "invalid CancelRequest: a secret key of " + keyLength + " bytes (must be 4 to 256)");
        }
        return new CancelRequest(processId, Wire.readRemaining(body));
    }

    @Override
    public byte[] secretKey() {
        return secretKey.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginUntagged(out);
        out.writeInt(StartupCode.CANCEL_REQUEST);
        out.writeInt(processId);
        out.writeBytes(secretKey);
        Wire.endMessage(out, lengthIndex);
    }

    /**
     * Compares keys in constant time: equality is how a cancel is matched to its session, and a
     * timing difference would let an attacker guess keys byte by byte.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof CancelRequest that
                && processId == that.processId
                && MessageDigest.isEqual(secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(processId);
    }

    @Override
    public String toString() {
        return "CancelRequest[processId=" + processId + ", secretKey=" + PgMessage.NOT_SHOWN + "]";
    }
}
