package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * NotificationResponse ({@code 'A'}): a NOTIFY on a channel this session LISTENs to; may arrive
 * at any time, even between queries.
 */
public record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {

    public static NotificationResponse decode(ByteBuf body) {
        int processId = Wire.readInt32(body, "notifying process id");
        String channel = Wire.readCString(body, "channel name");
        String payload = Wire.readCString(body, "notification payload");
        Wire.requireEnd(body, "NotificationResponse");
        return new NotificationResponse(processId, channel, payload);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.NOTIFICATION_RESPONSE);
        out.writeInt(processId);
        Wire.writeCString(out, channel);
        Wire.writeCString(out, payload);
        Wire.endMessage(out, lengthIndex);
    }
}
