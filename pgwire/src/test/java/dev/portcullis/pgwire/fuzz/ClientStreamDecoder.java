package dev.portcullis.pgwire.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameChunk;
import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameHeader;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.frame.StartupPacketDecoder;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.FrontendMessages;
import dev.portcullis.pgwire.message.frontend.PasswordMessageKind;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * pgwire's decoders in a Netty pipeline the way the proxy drives them: {@link
 * StartupPacketDecoder} until the StartupMessage (or a CancelRequest, after which nothing may
 * follow), then {@link FrameDecoder} with each whole {@link Frame} decoded by {@link
 * FrontendMessages}. Streamed bodies ({@link FrameHeader} + {@link FrameChunk}s) are checked for
 * consistency, reassembled and decoded too, so every path yields a message record.
 *
 * <p>A {@link ProtocolException} propagates as Netty's decoders do (wrapped in a {@code
 * DecoderException}): that is the documented failure path, on which the proxy answers with an
 * ErrorResponse and closes.
 */
final class ClientStreamDecoder extends ByteToMessageDecoder {

    private enum Phase {
        STARTUP,
        MESSAGES,
        AFTER_CANCEL
    }

    private final StartupPacketDecoder startup = new StartupPacketDecoder();
    private final FrameDecoder frames;
    private final PasswordMessageKind passwordKind;
    private Phase phase = Phase.STARTUP;
    private FrameHeader streaming;
    private ByteArrayOutputStream streamedBody;

    ClientStreamDecoder(FrameLimits limits, PasswordMessageKind passwordKind) {
        this.frames = new FrameDecoder(Direction.FRONTEND, limits);
        this.passwordKind = passwordKind;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (phase) {
            case STARTUP -> {
                StartupPacket packet = startup.next(in);
                if (packet != null) {
                    out.add(packet);
                    if (packet instanceof StartupMessage) {
                        phase = Phase.MESSAGES;
                    } else if (packet instanceof CancelRequest) {
                        phase = Phase.AFTER_CANCEL;
                    }
                }
            }
            case MESSAGES -> {
                FrameEvent event = frames.next(in);
                if (event != null) {
                    try {
                        onEvent(event, out);
                    } finally {
                        event.release();
                    }
                }
            }
            case AFTER_CANCEL -> {
                if (in.isReadable()) {
                    throw new ProtocolException("bytes after a CancelRequest");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private void onEvent(FrameEvent event, List<Object> out) {
        if (event instanceof Frame frame) {
            assertTrue(streaming == null, "a whole frame in the middle of a streamed body");
            out.add(FrontendMessages.decode(frame.tag(), frame.body(), passwordKind));
        } else if (event instanceof FrameHeader header) {
            assertTrue(streaming == null, "a header in the middle of a streamed body");
            assertTrue(header.bodyLength() > frames.limits().streamThreshold(), "streamed below threshold");
            streaming = header.retain();
            streamedBody = new ByteArrayOutputStream();
        } else if (event instanceof FrameChunk chunk) {
            assertTrue(streaming != null, "a chunk without a header");
            assertEquals(streaming.tag(), chunk.tag(), "a chunk of another message");
            ByteBuf bytes = chunk.content();
            assertTrue(bytes.isReadable(), "an empty chunk");
            streamedBody.writeBytes(ByteBufUtil.getBytes(bytes));
            int expected = streaming.bodyLength();
            assertTrue(streamedBody.size() <= expected, "chunks beyond the announced length");
            assertEquals(streamedBody.size() == expected, chunk.isLast(), "last flag misplaced");
            if (chunk.isLast()) {
                byte tag = streaming.tag();
                streaming.release();
                streaming = null;
                out.add(FrontendMessages.decode(tag, Unpooled.wrappedBuffer(streamedBody.toByteArray()), passwordKind));
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (streaming != null) {
            streaming.release();
            streaming = null;
        }
    }
}
