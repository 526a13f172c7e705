package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** NoticeResponse ({@code 'N'}): a warning or notice; same fields as ErrorResponse, no failure. */
public record NoticeResponse(ErrorFields fields) implements BackendMessage {

    public NoticeResponse {
        Objects.requireNonNull(fields, "fields");
    }

    /** A notice of {@code severity} (WARNING, NOTICE, INFO...) with an optional hint. */
    public static NoticeResponse of(Severity severity, SqlState sqlState, String message, String hint) {
        return new NoticeResponse(ErrorFields.builder()
                .severity(severity)
                .sqlState(sqlState)
                .message(message)
                .hint(hint)
                .build());
    }

    public static NoticeResponse decode(ByteBuf body) {
        return new NoticeResponse(ErrorFields.decode(body, "NoticeResponse"));
    }

    public String message() {
        return fields.message();
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.NOTICE_RESPONSE);
        fields.encode(out);
        Wire.endMessage(out, lengthIndex);
    }
}
