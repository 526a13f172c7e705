package dev.portcullis.proxy.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.proxy.audit.AuditSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol on the wire, byte-exact: real v1 and v2 headers (Netty's encoder, as HAProxy
 * writes them) before a client's first packet, delivered whole and split at every offset. The
 * handshake gets exactly the client's bytes and the connection the client's address; a header
 * from an untrusted peer, or none from a trusted one, is a FATAL 08P01 and nothing is passed on.
 */
class ProxyHeaderHandlerTest {
    private static final InetSocketAddress BALANCER = new InetSocketAddress("127.0.0.3", 40000);
    private static final byte[] SSL_REQUEST =
            encode(SSLRequest.INSTANCE.encode(Unpooled.buffer().alloc()));
    private static final byte[] STARTUP = encode(StartupMessage.of(Map.of("user", "alice", "database", "app"))
            .encode(Unpooled.buffer().alloc()));

    private final List<AccessLog> audited = new ArrayList<>();

    @Test
    void aTrustedV2HeaderNamesTheClientAndTheHandshakeGetsTheRestAtEveryCut() {
        byte[] header = v2(HAProxyCommand.PROXY, "203.0.113.7", 5555);
        byte[] stream = concat(header, SSL_REQUEST);
        for (int cut = 0; cut <= stream.length; cut++) {
            Run r = run(true, stream, cut);
            assertArrayEquals(SSL_REQUEST, r.passedOn, "cut at " + cut);
            assertEquals(new InetSocketAddress("203.0.113.7", 5555), r.connection.clientAddress(), "cut at " + cut);
            assertNull(r.refusal, "cut at " + cut);
            assertTrue(r.active, "cut at " + cut);
        }
    }

    @Test
    void aTrustedV1HeaderToo() {
        byte[] header = "PROXY TCP6 2001:db8::7 2001:db8::1 5555 5432\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] stream = concat(header, STARTUP);
        for (int cut = 0; cut <= stream.length; cut++) {
            Run r = run(true, stream, cut);
            assertArrayEquals(STARTUP, r.passedOn, "cut at " + cut);
            assertEquals(new InetSocketAddress("2001:db8::7", 5555), r.connection.clientAddress(), "cut at " + cut);
        }
    }

    @Test
    void aLocalHeaderIsTheBalancerItself() {
        Run r = run(true, concat(v2(HAProxyCommand.LOCAL, "0.0.0.0", 0), SSL_REQUEST), 0);
        assertArrayEquals(SSL_REQUEST, r.passedOn);
        assertEquals(BALANCER, r.connection.clientAddress(), "a health check: the peer is who it is");
    }

    @Test
    void aTrustedPeerWithoutAHeaderIsRefused() {
        for (byte[] first : new byte[][] {SSL_REQUEST, STARTUP}) {
            Run r = run(true, first, 0);
            assertEquals(0, r.passedOn.length, "nothing reaches the handshake");
            assertTrue(
                    r.refusal.startsWith("08P01: connections from 127.0.0.3 (a trusted proxy) must begin with a PROXY"
                            + " protocol header"),
                    r.refusal);
            assertFalse(r.active);
            assertEquals(
                    "PROXY_PROTOCOL",
                    audited.get(audited.size() - 1)
                            .getEntry()
                            .getCommon()
                            .getReason()
                            .getType());
        }
    }

    @Test
    void aHeaderFromAnUntrustedPeerIsRefusedAtEveryCut() {
        byte[][] headers = {
            v2(HAProxyCommand.PROXY, "10.9.9.9", 1),
            "PROXY TCP4 10.9.9.9 10.0.0.1 1 5432\r\n".getBytes(StandardCharsets.US_ASCII)
        };
        for (byte[] header : headers) {
            byte[] stream = concat(header, STARTUP);
            for (int cut = 0; cut <= stream.length; cut++) {
                Run r = run(false, stream, cut);
                assertEquals(0, r.passedOn.length, "cut at " + cut);
                assertTrue(
                        r.refusal.startsWith(
                                "08P01: a PROXY protocol header from 127.0.0.3, which is not a trusted" + " proxy"),
                        r.refusal);
                assertEquals(BALANCER, r.connection.clientAddress(), "the header's address is not believed");
            }
        }
    }

    @Test
    void withoutAHeaderAnUntrustedPeerPassesUntouchedAtEveryCut() {
        byte[] stream = concat(SSL_REQUEST, STARTUP);
        for (int cut = 0; cut <= stream.length; cut++) {
            Run r = run(false, stream, cut);
            assertArrayEquals(stream, r.passedOn, "cut at " + cut);
            assertNull(r.refusal);
            assertNull(r.channel.pipeline().get(ProxyHeaderHandler.class), "the handler leaves the pipeline");
        }
    }

    /** Netty's decoder closes at once, as the PROXY protocol's spec asks; the refusal is still logged and audited. */
    @Test
    void aBrokenHeaderFromATrustedPeerIsRefused() {
        byte[] header = v2(HAProxyCommand.PROXY, "203.0.113.7", 5555);
        header[12] = 0x31; // version 3
        Run r = run(true, concat(header, SSL_REQUEST), 0);
        assertEquals(0, r.passedOn.length);
        assertFalse(r.active);
        AccessLog refusal = audited.get(audited.size() - 1);
        assertEquals(
                "PROXY_PROTOCOL", refusal.getEntry().getCommon().getReason().getType());
        assertTrue(
                refusal.getEntry()
                        .getCommon()
                        .getReason()
                        .getMessage()
                        .startsWith("an invalid PROXY protocol header from 127.0.0.3"),
                refusal.toString());
    }

    private record Run(
            EmbeddedChannel channel, ClientConnection connection, byte[] passedOn, String refusal, boolean active) {}

    /** Feeds {@code stream} in two writes cut at {@code cut} to a connection from the balancer's address. */
    private Run run(boolean trusted, byte[] stream, int cut) {
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        EmbeddedChannel ch = new EmbeddedChannel(false, false) {
            @Override
            protected SocketAddress remoteAddress0() {
                return BALANCER;
            }
        };
        ClientConnection connection = new ClientConnection(ch, "svc");
        ConnectionContext context = new ConnectionContext(
                null, null, null, null, null, null, null, null, new SimpleMeterRegistry(), sink(), null, null, null);
        ch.pipeline().addLast(new ProxyHeaderHandler(context, connection, trusted));
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                passed.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
            }
        });
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (cut > 0) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
        }
        if (cut < stream.length && ch.isActive()) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
        }
        ByteBuf out = ch.readOutbound();
        String refusal = null;
        if (out != null) {
            assertEquals('E', out.readByte());
            out.readInt();
            ErrorResponse e = ErrorResponse.decode(out);
            refusal = e.sqlState().code() + ": " + e.message();
            out.release();
        }
        boolean active = ch.isActive();
        ch.finishAndReleaseAll();
        return new Run(ch, connection, passed.toByteArray(), refusal, active);
    }

    private AuditSink sink() {
        return new AuditSink() {
            @Override
            public void publish(dev.portcullis.proxy.audit.AuditEvent event) {
                audited.add(event.accessLog());
            }

            @Override
            public boolean accepting() {
                return true;
            }
        };
    }

    private static byte[] v2(HAProxyCommand command, String source, int port) {
        boolean v6 = source.contains(":");
        HAProxyMessage m = new HAProxyMessage(
                HAProxyProtocolVersion.V2,
                command,
                command == HAProxyCommand.LOCAL
                        ? HAProxyProxiedProtocol.UNKNOWN
                        : v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
                command == HAProxyCommand.LOCAL ? null : source,
                command == HAProxyCommand.LOCAL ? null : v6 ? "::1" : "10.0.0.1",
                port,
                command == HAProxyCommand.LOCAL ? 0 : 5432);
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(m);
        ByteBuf b = encoder.readOutbound();
        byte[] bytes = encode(b);
        encoder.finishAndReleaseAll();
        return bytes;
    }

    private static byte[] encode(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
