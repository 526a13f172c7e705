package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The first bytes of a client connection, before the PostgreSQL protocol: the PROXY protocol
 * header (v1 text or v2 binary) a load balancer sends to say who the client is.
 *
 * <pre>
 *   from a trusted proxy   PROXY header -> the client address is the one it names (LOCAL: the peer's)
 *                          anything else -> FATAL 08P01: the balancer is misconfigured
 *   from anyone else       PROXY header -> FATAL 08P01: nobody else may choose their address
 *                          anything else -> passed on untouched
 * </pre>
 *
 * Then the handler leaves the pipeline, and the bytes after the header go to the handshake.
 * Netty's {@link HAProxyMessageDecoder} parses the header.
 */
final class ProxyHeaderHandler extends ByteToMessageDecoder {

    private final ConnectionContext context;
    private final ClientConnection connection;
    private final boolean trusted;

    ProxyHeaderHandler(ConnectionContext context, ClientConnection connection, boolean trusted) {
        this.context = context;
        this.connection = connection;
        this.trusted = trusted;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int looks = looksLikeHeader(in);
        if (looks == 0) {
            return; // the bytes so far begin a header's signature: wait for the rest of it
        }
        boolean header = looks > 0;
        if (header && trusted) {
            ctx.pipeline().addAfter(ctx.name(), "proxy-header-reader", new Reader());
            ctx.pipeline().addAfter(ctx.name(), "proxy-header-decoder", new HAProxyMessageDecoder());
            ctx.pipeline().remove(this);
        } else if (header) {
            in.skipBytes(in.readableBytes());
            refuse(
                    ctx,
                    "a PROXY protocol header from " + address(connection.clientAddress()) + ", which is not a trusted"
                            + " proxy (portcullis.listen.trusted-proxies)",
                    "connect to the proxy node directly, without the"
                            + " PROXY protocol, or ask its operators to trust your load balancer");
        } else if (trusted) {
            in.skipBytes(in.readableBytes());
            refuse(
                    ctx,
                    "connections from " + address(connection.clientAddress()) + " (a trusted proxy) must begin with a"
                            + " PROXY protocol header",
                    "the load balancer in front of Portcullis must send the PROXY protocol"
                            + " (HAProxy: send-proxy-v2 on its servers); tell the operators");
        } else {
            ctx.pipeline().remove(this); // the usual case: a PostgreSQL packet, handed on as it came
        }
    }

    private static final byte[] V1 = "PROXY ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /**
     * 1 when the input begins with a PROXY signature (v1 "PROXY " or v2's 12 bytes), -1 when it
     * cannot, 0 while too few bytes have come to tell. A PostgreSQL packet differs at its first
     * byte (a length's high byte; TLS: 0x16), so an 8-byte SSLRequest is told at once.
     */
    static int looksLikeHeader(ByteBuf in) {
        int v1 = matches(in, V1);
        int v2 = matches(in, V2);
        return v1 > 0 || v2 > 0 ? 1 : v1 < 0 && v2 < 0 ? -1 : 0;
    }

    private static int matches(ByteBuf in, byte[] signature) {
        int n = Math.min(in.readableBytes(), signature.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != signature[i]) {
                return -1;
            }
        }
        return n == signature.length ? 1 : 0;
    }

    private void refuse(ChannelHandlerContext ctx, String message, String hint) {
        Refusals.refuse(
                context,
                connection,
                Refusal.of(SqlState.PROTOCOL_VIOLATION, "proxy_protocol", message, hint)
                        .audited("PROXY_PROTOCOL"));
    }

    private static String address(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : String.valueOf(a);
    }

    /** Takes the decoded header: the client it names becomes the connection's client address. */
    private final class Reader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                HAProxyProxiedProtocol.AddressFamily family =
                        header.proxiedProtocol().addressFamily();
                if (header.command() == HAProxyCommand.PROXY
                        && (family == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                                || family == HAProxyProxiedProtocol.AddressFamily.AF_IPv6)) {
                    // a literal address: no DNS lookup
                    connection.clientAddress(new InetSocketAddress(
                            io.netty.util.NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()),
                            header.sourcePort()));
                }
                // LOCAL (the balancer's own health check) or UNKNOWN: the peer is who it is
            } finally {
                header.release();
            }
            ctx.pipeline().remove(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException) {
                // Netty's decoder has closed the connection already, as the PROXY protocol's spec says: logged and
                // audited
                refuse(
                        ctx,
                        "an invalid PROXY protocol header from " + address(connection.clientAddress()) + ": "
                                + (cause.getCause() instanceof HAProxyProtocolException ? cause.getCause() : cause)
                                        .getMessage(),
                        null);
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
