package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * NegotiateProtocolVersion ({@code 'v'}): the server supports an older minor version than the
 * client asked for and/or ignores some {@code _pq_.*} protocol options. Sent right after the
 * StartupMessage; the session continues with the older version.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
        implements BackendMessage {

    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }

    /**
     * What a server speaking at most 3.{@link StartupCode#PROTOCOL_NEWEST_MINOR} and no protocol
     * options must answer to {@code startup}, or empty if the client asked for nothing more.
     */
    public static Optional<NegotiateProtocolVersion> required(StartupMessage startup) {
        List<String> options = new ArrayList<>(startup.protocolExtensions().keySet());
        if (startup.minorVersion() <= StartupCode.PROTOCOL_NEWEST_MINOR && options.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NegotiateProtocolVersion(StartupCode.PROTOCOL_NEWEST_MINOR, options));
    }

    public static NegotiateProtocolVersion decode(ByteBuf body) {
        int newestMinor = Wire.readInt32(body, "newest minor protocol version");
        int count = Wire.readInt32(body, "unrecognized option count");
        if (count < 0 || count > body.readableBytes()) {
            // each option takes at least its NUL, so a count above the bytes left is a lie
            throw new ProtocolException("invalid message format: NegotiateProtocolVersion lists " + count + " options");
        }
        List<String> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            options.add(Wire.readCString(body, "protocol option name"));
        }
        Wire.requireEnd(body, "NegotiateProtocolVersion");
        return new NegotiateProtocolVersion(newestMinor, options);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.NEGOTIATE_PROTOCOL_VERSION);
        out.writeInt(newestMinorVersion);
        out.writeInt(unrecognizedOptions.size());
        for (String option : unrecognizedOptions) {
            Wire.writeCString(out, option);
        }
        Wire.endMessage(out, lengthIndex);
    }
}
