package dev.portcullis.proxy.auth.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.model.SslMode;
import dev.portcullis.pgwire.auth.ChannelBindingMode;
import dev.portcullis.pgwire.message.backend.AuthenticationSASL;
import dev.portcullis.pgwire.message.backend.AuthenticationSASLContinue;
import dev.portcullis.pgwire.message.frontend.SASLInitialResponse;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream login on the wire, as bytes: the proxy's StartupMessage, its SCRAM first message,
 * and the proof, which is computed off the event loop (PBKDF2 of up to 100,000 iterations would
 * otherwise stall every session of the thread).
 */
class UpstreamLoginHandlerTest {
    private final ExecutorService crypto = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-crypto"));

    @AfterEach
    void stop() {
        crypto.shutdownNow();
    }

    @Test
    void theScramProofIsComputedOffTheEventLoop() throws Exception {
        Map<String, String> startupParameters = Map.of("user", "app", "database", "appdb");
        UpstreamTarget target = new UpstreamTarget(
                "svc",
                "",
                "db.example",
                5432,
                "app",
                "appdb",
                "s3cret".toCharArray(),
                SslMode.DISABLE,
                ChannelBindingMode.DISABLE,
                Set.of(),
                "",
                startupParameters);
        Promise<UpstreamLink> result = ImmediateEventExecutor.INSTANCE.newPromise();
        AtomicReference<String> provedOn = new AtomicReference<>();
        EmbeddedChannel upstream = new EmbeddedChannel(new UpstreamLoginHandler(target, result, 100_000, task -> {
            crypto.execute(() -> {
                provedOn.set(Thread.currentThread().getName());
                task.run();
            });
        }));

        ByteBuf startup = upstream.readOutbound();
        assertArrayEquals(
                bytes(StartupMessage.of(startupParameters).encode(io.netty.buffer.ByteBufAllocator.DEFAULT)),
                bytes(startup),
                "sslMode DISABLE: the StartupMessage first, with the plan's user and database");

        upstream.writeInbound(
                new AuthenticationSASL(List.of("SCRAM-SHA-256")).encode(io.netty.buffer.ByteBufAllocator.DEFAULT));
        ByteBuf first = upstream.readOutbound();
        assertEquals('p', first.readByte());
        first.readInt();
        SASLInitialResponse initial = SASLInitialResponse.decode(first);
        first.release();
        assertEquals("SCRAM-SHA-256", initial.mechanism());
        String clientFirst = new String(initial.data(), StandardCharsets.UTF_8);
        assertTrue(clientFirst.startsWith("n,,n=*,r="), clientFirst);
        String clientNonce = clientFirst.substring("n,,n=*,r=".length());

        String serverFirst =
                "r=" + clientNonce + "srv,s=" + Base64.getEncoder().encodeToString(new byte[16]) + ",i=100000";
        upstream.writeInbound(new AuthenticationSASLContinue(serverFirst.getBytes(StandardCharsets.UTF_8))
                .encode(io.netty.buffer.ByteBufAllocator.DEFAULT));
        assertNull(upstream.readOutbound(), "no proof from the event loop itself");
        assertFalse(upstream.config().isAutoRead(), "nothing is read while the proof is computed");

        crypto.submit(() -> {}).get(30, TimeUnit.SECONDS); // the proof is done (single thread, in order)
        upstream.runPendingTasks();
        ByteBuf proof = upstream.readOutbound();
        assertNotNull(proof, "the proof, written back on the event loop");
        assertEquals('p', proof.readByte());
        proof.readInt();
        String clientFinal = new String(ByteBufUtil.getBytes(proof), StandardCharsets.UTF_8);
        proof.release();
        assertTrue(clientFinal.startsWith("c=biws,r=" + clientNonce + "srv,p="), clientFinal);
        assertEquals("test-crypto", provedOn.get());
        assertNotEquals(Thread.currentThread().getName(), provedOn.get());
        assertTrue(upstream.config().isAutoRead(), "reading again for the server's answer");
        assertFalse(result.isDone());
        upstream.finishAndReleaseAll();
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }
}
