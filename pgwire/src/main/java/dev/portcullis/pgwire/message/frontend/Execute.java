package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/**
 * Execute ({@code 'E'}): run a portal, returning at most {@code maxRows} rows (0 = no limit); a
 * portal stopped by the limit answers PortalSuspended.
 */
public record Execute(String portal, int maxRows) implements FrontendMessage {

    public static Execute decode(ByteBuf body) {
        String portal = Wire.readCString(body, "portal name");
        int maxRows = Wire.readInt32(body, "maximum row count");
        Wire.requireEnd(body, "Execute");
        return new Execute(portal, maxRows);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.EXECUTE);
        Wire.writeCString(out, portal);
        out.writeInt(maxRows);
        Wire.endMessage(out, lengthIndex);
    }
}
