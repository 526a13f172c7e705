package dev.portcullis.proxy.server;

import dev.portcullis.pgwire.frame.StartupPacketDecoder;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import dev.portcullis.proxy.cancel.CancelForwarder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** The cancel port: peers forward the CancelRequests of this node's sessions here, and nothing else. */
final class CancelListener {
    private CancelListener() {}

    static ChannelInitializer<SocketChannel> initializer(CancelForwarder forwarder) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ByteToMessageDecoder() {
                    private final StartupPacketDecoder decoder = new StartupPacketDecoder(16 + 256);

                    @Override
                    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
                        StartupPacket p = decoder.next(in);
                        if (p instanceof CancelRequest cancel) {
                            forwarder.fromCancelPort(cancel, ctx.channel());
                        } else if (p != null) {
                            ctx.close();
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        };
    }
}
