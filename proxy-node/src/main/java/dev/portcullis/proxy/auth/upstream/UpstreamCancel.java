package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.api.model.SslMode;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * How to cancel what one session's backend runs: the upstream's own key (kept as the bytes the
 * server sent, whatever their length; it never leaves the proxy), the address the session is
 * connected to (never the name resolved again: with several A records that could be another
 * server), and the session's encryption. When the session is over TLS the cancel is too, with the
 * same certificate checks — as libpq 17 sends it — so the key never crosses the network in clear.
 */
public final class UpstreamCancel {
    private static final Logger LOG = Logger.getLogger(UpstreamCancel.class);
    private static final int TIMEOUT_SECONDS = 5;

    private final SocketAddress address;
    private final int processId;
    /** Null when the server sent no BackendKeyData (some poolers do not): its sessions cannot be cancelled. */
    private final byte[] secretKey;
    /** The session's TLS settings, or null when it is not encrypted. */
    private final SslMode sslMode;

    private final String caPem;
    private final String host;
    private final int port;

    UpstreamCancel(SocketAddress address, int processId, byte[] secretKey, UpstreamTarget target, boolean tls) {
        this.address = address;
        this.processId = processId;
        this.secretKey = secretKey == null ? null : secretKey.clone();
        this.sslMode = tls ? target.sslMode() : null;
        this.caPem = target.caPem();
        this.host = target.host();
        this.port = target.port();
    }

    /** Sends the CancelRequest; like PostgreSQL, nothing comes back either way. */
    public void send(EventLoop loop) {
        if (secretKey == null) {
            LOG.debugf("the upstream at %s gave no cancel key: the cancel request is dropped", address);
            return;
        }
        new Bootstrap()
                .group(loop)
                .channel(dev.portcullis.proxy.net.Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_SECONDS * 1000)
                .handler(sslMode == null ? new ChannelInboundHandlerAdapter() : new TlsFirst())
                .connect(address)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.warnf(
                                "cannot send a cancel request to the upstream at %s: %s",
                                address, f.cause().toString());
                        return;
                    }
                    Channel c = f.channel();
                    c.eventLoop().schedule(() -> c.close(), TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    if (sslMode == null) {
                        sendRequest(c);
                    } else {
                        c.writeAndFlush(SSLRequest.INSTANCE.encode(c.alloc()));
                    }
                });
    }

    private void sendRequest(Channel c) {
        c.writeAndFlush(new CancelRequest(processId, secretKey).encode(c.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** SSLRequest, 'S', the handshake, then the CancelRequest inside TLS. */
    private final class TlsFirst extends ChannelInboundHandlerAdapter {
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (answered || !in.isReadable()) {
                    return;
                }
                answered = true;
                byte answer = in.readByte();
                if (answer != 'S' || in.isReadable()) {
                    // the session was encrypted: the key is not sent in clear to what answers otherwise
                    LOG.warnf("the upstream at %s did not accept TLS for a cancel request; it was not sent", address);
                    ctx.close();
                    return;
                }
                SslHandler ssl = UpstreamTls.handler(sslMode, caPem, host, port, ctx.alloc());
                ctx.pipeline().addFirst("upstream-tls", ssl);
                ssl.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        sendRequest(ctx.channel());
                    } else {
                        LOG.warnf(
                                "TLS handshake for a cancel request to %s failed: %s",
                                address, h.cause().toString());
                        ctx.close();
                    }
                });
            } catch (Exception e) {
                LOG.warnf("cannot set up TLS for a cancel request to %s: %s", address, e.toString());
                ctx.close();
            } finally {
                ReferenceCountUtil.release(in);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debugf("cancel request to %s: %s", address, cause.toString());
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "UpstreamCancel[" + address + ", pid " + processId + ", secret <not shown>"
                + (sslMode == null ? "" : ", over TLS") + "]";
    }
}
