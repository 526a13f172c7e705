package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * PortalSuspended: an Execute stopped at its row limit; the portal can be executed again for more.
 */
public record PortalSuspended() implements BackendMessage {

    public static final PortalSuspended INSTANCE = new PortalSuspended();

    public static PortalSuspended decode(ByteBuf body) {
        Wire.requireEnd(body, "PortalSuspended");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, BackendTag.PORTAL_SUSPENDED, 0);
    }
}
