package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;

/**
 * BackendKeyData ({@code 'K'}): the process id and secret key a client must quote in a
 * CancelRequest. 4 key bytes up to protocol 3.1, up to 256 with protocol 3.2 (PostgreSQL 18).
 * The proxy never relays the upstream's; it mints its own. The key is never printed.
 */
public record BackendKeyData(int processId, byte[] secretKey) implements BackendMessage {

    public BackendKeyData {
        if (secretKey.length < StartupCode.MIN_CANCEL_KEY_LENGTH
                || secretKey.length > StartupCode.MAX_CANCEL_KEY_LENGTH) {
            throw new IllegalArgumentException("a cancel key has 4 to 256 bytes");
        }
        secretKey = secretKey.clone();
    }

    public static BackendKeyData decode(ByteBuf body) {
        int processId = Wire.readInt32(body, "BackendKeyData process id");
        int keyLength = body.readableBytes();
        if (keyLength < StartupCode.MIN_CANCEL_KEY_LENGTH || keyLength > StartupCode.MAX_CANCEL_KEY_LENGTH) {
            throw new ProtocolException(
                    "invalid BackendKeyData: a secret key of " + keyLength + " bytes (must be 4 to 256)");
        }
        return new BackendKeyData(processId, Wire.readRemaining(body));
    }

    @Override
    public byte[] secretKey() {
        return secretKey.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.BACKEND_KEY_DATA);
        out.writeInt(processId);
        out.writeBytes(secretKey);
        Wire.endMessage(out, lengthIndex);
    }

    /** Constant-time key comparison, as for {@code CancelRequest}. */
    @Override
    public boolean equals(Object other) {
        return other instanceof BackendKeyData that
                && processId == that.processId
                && MessageDigest.isEqual(secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(processId);
    }

    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + ", secretKey=" + PgMessage.NOT_SHOWN + "]";
    }
}
