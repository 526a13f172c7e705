package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/** Decodes a tagged backend message body into its record. */
public final class BackendMessages {

    private BackendMessages() {}

    /**
     * Decodes {@code body} (the bytes after the length field) of a message with {@code tag}.
     *
     * @throws ProtocolException if the tag is unknown or the body malformed
     */
    public static BackendMessage decode(byte tag, ByteBuf body) {
        switch (tag) {
            case BackendTag.AUTHENTICATION:
                return Authentication.decode(body);
            case BackendTag.BACKEND_KEY_DATA:
                return BackendKeyData.decode(body);
            case BackendTag.BIND_COMPLETE:
                return BindComplete.decode(body);
            case BackendTag.CLOSE_COMPLETE:
                return CloseComplete.decode(body);
            case BackendTag.COMMAND_COMPLETE:
                return CommandComplete.decode(body);
            case BackendTag.COPY_DATA:
                return CopyData.decode(body);
            case BackendTag.COPY_DONE:
                return CopyDone.decode(body);
            case BackendTag.COPY_IN_RESPONSE:
                return CopyInResponse.decode(body);
            case BackendTag.COPY_OUT_RESPONSE:
                return CopyOutResponse.decode(body);
            case BackendTag.COPY_BOTH_RESPONSE:
                return CopyBothResponse.decode(body);
            case BackendTag.DATA_ROW:
                return DataRow.decode(body);
            case BackendTag.EMPTY_QUERY_RESPONSE:
                return EmptyQueryResponse.decode(body);
            case BackendTag.ERROR_RESPONSE:
                return ErrorResponse.decode(body);
            case BackendTag.FUNCTION_CALL_RESPONSE:
                return FunctionCallResponse.decode(body);
            case BackendTag.NEGOTIATE_PROTOCOL_VERSION:
                return NegotiateProtocolVersion.decode(body);
            case BackendTag.NO_DATA:
                return NoData.decode(body);
            case BackendTag.NOTICE_RESPONSE:
                return NoticeResponse.decode(body);
            case BackendTag.NOTIFICATION_RESPONSE:
                return NotificationResponse.decode(body);
            case BackendTag.PARAMETER_DESCRIPTION:
                return ParameterDescription.decode(body);
            case BackendTag.PARAMETER_STATUS:
                return ParameterStatus.decode(body);
            case BackendTag.PARSE_COMPLETE:
                return ParseComplete.decode(body);
            case BackendTag.PORTAL_SUSPENDED:
                return PortalSuspended.decode(body);
            case BackendTag.READY_FOR_QUERY:
                return ReadyForQuery.decode(body);
            case BackendTag.ROW_DESCRIPTION:
                return RowDescription.decode(body);
            default:
                throw new ProtocolException("invalid message: " + BackendTag.name(tag));
        }
    }
}
