package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/** Decodes a tagged frontend message body into its record. */
public final class FrontendMessages {

    private FrontendMessages() {}

    /**
     * Decodes {@code body} (the bytes after the length field) of a message with {@code tag}; a
     * {@code 'p'} message is decoded as {@code passwordKind} says.
     *
     * @throws ProtocolException if the tag is unknown or the body malformed
     */
    public static FrontendMessage decode(byte tag, ByteBuf body, PasswordMessageKind passwordKind) {
        switch (tag) {
            case FrontendTag.BIND:
                return Bind.decode(body);
            case FrontendTag.CLOSE:
                return Close.decode(body);
            case FrontendTag.COPY_DATA:
                return CopyData.decode(body);
            case FrontendTag.COPY_DONE:
                return CopyDone.decode(body);
            case FrontendTag.COPY_FAIL:
                return CopyFail.decode(body);
            case FrontendTag.DESCRIBE:
                return Describe.decode(body);
            case FrontendTag.EXECUTE:
                return Execute.decode(body);
            case FrontendTag.FLUSH:
                return Flush.decode(body);
            case FrontendTag.FUNCTION_CALL:
                return FunctionCall.decode(body);
            case FrontendTag.PARSE:
                return Parse.decode(body);
            case FrontendTag.QUERY:
                return Query.decode(body);
            case FrontendTag.SYNC:
                return Sync.decode(body);
            case FrontendTag.TERMINATE:
                return Terminate.decode(body);
            case FrontendTag.PASSWORD_MESSAGE:
                switch (passwordKind) {
                    case SASL_INITIAL_RESPONSE:
                        return SASLInitialResponse.decode(body);
                    case SASL_RESPONSE:
                        return SASLResponse.decode(body);
                    default:
                        return PasswordMessage.decode(body);
                }
            default:
                throw new ProtocolException("invalid message: " + FrontendTag.name(tag));
        }
    }

    /**
     * As {@link #decode(byte, ByteBuf, PasswordMessageKind)}, reading {@code 'p'} as a
     * PasswordMessage.
     */
    public static FrontendMessage decode(byte tag, ByteBuf body) {
        return decode(tag, body, PasswordMessageKind.PASSWORD);
    }
}
