package dev.portcullis.proxy.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portcullis.proxy.audit.AuditSink;
import dev.portcullis.proxy.config.ProxyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The client handshake as bytes on the wire, without a network: what a real client sends in, the
 * exact bytes that come out, and the state the connection is left in. The client bytes have the
 * shape libpq's have (a GSSENCRequest, then a StartupMessage of user, database, application_name and
 * client_encoding), written out by hand rather than with pgwire's encoders.
 */
class ClientHandshakeBytesTest {
    /** libpq's GSSENCRequest: length 8, code 80877104. */
    private static final byte[] GSSENC_REQUEST = HexFormat.of().parseHex("0000000804d21630");
    /** AuthenticationCleartextPassword: 'R', length 8, code 3. */
    private static final byte[] ASK_FOR_PASSWORD = HexFormat.of().parseHex("520000000800000003");

    private static ProxyConfig config() {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(ProxyConfig.class)
                // "30s", "1m": Quarkus's duration syntax, as the running node reads it
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("portcullis.proxy-token", "unused")
                // no TLS in this test: the token stage is what it shows
                .withDefaultValue("portcullis.listen.allow-plaintext-token", "true")
                .build();
        return c.getConfigMapping(ProxyConfig.class);
    }

    private static EmbeddedChannel channel(ClientConnection[] connection) {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ProxyConfig config = config();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ConnectionContext context = new ConnectionContext(
                config,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                metrics,
                new AuditSink() {
                    @Override
                    public void publish(dev.portcullis.proxy.audit.AuditEvent event) {}

                    @Override
                    public boolean accepting() {
                        return true;
                    }
                },
                null);
        connection[0] = new ClientConnection(ch, "svc");
        ch.pipeline().addLast(new ClientHandshakeHandler(context, connection[0]));
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    private static byte[] startup() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 3, 0, 0});
        for (String s :
                new String[] {"user", "alice", "database", "app", "application_name", "psql", "client_encoding", "UTF8"
                }) {
            body.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            body.write(0);
        }
        body.write(0);
        ByteBuf all = Unpooled.buffer().writeInt(body.size() + 4).writeBytes(body.toByteArray());
        return ByteBufUtil.getBytes(all);
    }

    private static byte[] out(EmbeddedChannel ch) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return all.toByteArray();
    }

    @Test
    void gssEncryptionIsDeclinedThenTheTokenIsAskedFor() {
        ClientConnection[] c = new ClientConnection[1];
        EmbeddedChannel ch = channel(c);
        ch.writeInbound(Unpooled.wrappedBuffer(GSSENC_REQUEST));
        assertArrayEquals(new byte[] {'N'}, out(ch));
        assertEquals(SessionState.AWAIT_STARTUP, c[0].state());

        byte[] startup = startup();
        for (int cut = 1; cut < startup.length; cut += 7) {
            // split anywhere, as TCP may: nothing is answered before the packet is whole
            ClientConnection[] d = new ClientConnection[1];
            EmbeddedChannel split = channel(d);
            split.writeInbound(Unpooled.wrappedBuffer(startup, 0, cut));
            assertNull(split.readOutbound(), "cut at " + cut);
            split.writeInbound(Unpooled.wrappedBuffer(startup, cut, startup.length - cut));
            assertArrayEquals(ASK_FOR_PASSWORD, out(split), "cut at " + cut);
            assertEquals(SessionState.AWAIT_TOKEN, d[0].state());
            split.finishAndReleaseAll();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void aQueryInsteadOfTheTokenIsAProtocolViolation() {
        ClientConnection[] c = new ClientConnection[1];
        EmbeddedChannel ch = channel(c);
        ch.writeInbound(Unpooled.wrappedBuffer(startup()));
        assertArrayEquals(ASK_FOR_PASSWORD, out(ch));
        ch.writeInbound(Unpooled.wrappedBuffer(
                HexFormat.of().parseHex("510000000d73656c6563742031" + "00"))); // Query "select 1"
        byte[] fatal = out(ch);
        String text = new String(fatal, StandardCharsets.US_ASCII);
        assertEquals('E', fatal[0]);
        assertEquals(fatal.length - 1, intAt(fatal, 1), "one whole ErrorResponse, nothing after it");
        assertEquals(true, text.contains("SFATAL\0VFATAL\0C08P01\0"), text);
        assertEquals(true, text.contains("Mexpected a password message, got Query\0"), text);
        assertEquals(SessionState.CLOSING, c[0].state());
        assertFalse(ch.isActive(), "closed after the FATAL");
        ch.finishAndReleaseAll();
    }

    private static int intAt(byte[] b, int at) {
        return Unpooled.wrappedBuffer(b).getInt(at);
    }
}
