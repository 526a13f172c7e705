package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** pgwire's frame decoder in the client pipeline: client bytes become frames (slices, not copies). */
final class FrontendFrames extends ByteToMessageDecoder {
    private final FrameDecoder frames;

    FrontendFrames(FrameLimits limits) {
        this.frames = new FrameDecoder(Direction.FRONTEND, limits);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        FrameEvent e;
        while ((e = frames.next(in)) != null) {
            out.add(e);
        }
    }

    /** Whether the client is between messages: only then may the proxy send Terminate upstream. */
    boolean atBoundary() {
        return !frames.isStreaming() && internalBuffer().readableBytes() == 0;
    }
}
