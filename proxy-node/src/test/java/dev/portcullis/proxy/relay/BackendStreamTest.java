package dev.portcullis.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.backend.CommandComplete;
import dev.portcullis.pgwire.message.backend.DataRow;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.message.backend.ReadyForQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server-to-client stream, byte for byte: real server messages in, split at every offset, and
 * exactly the bytes the client must get out — the stream untouched, or with the one ErrorResponse
 * that answers a denial's stand-in replaced by the proxy's 42501.
 */
class BackendStreamTest {
    private static final String NONCE = "0123456789abcdef";
    private static final byte[] STAND_IN_ERROR = bytes(ErrorResponse.error(
            SqlState.SYNTAX_ERROR, "syntax error at or near \"" + BackendStream.sentinel(NONCE) + "\"", null));
    private static final byte[] DENIAL = bytes(ErrorResponse.error(
            SqlState.INSUFFICIENT_PRIVILEGE, "permission denied by Portcullis: no rule allows it", null));
    private static final byte[] ROW = bytes(new DataRow(List.of("x".repeat(300).getBytes(StandardCharsets.UTF_8))));
    private static final byte[] DONE = bytes(new CommandComplete("SELECT 1"));
    private static final byte[] READY = bytes(ReadyForQuery.IDLE);
    private static final RelayMetrics METRICS = new RelayMetrics(new SimpleMeterRegistry());

    @Test
    void aStreamWithoutDenialsPassesAsItCameAtEverySplit() {
        byte[] in = concat(ROW, DONE, READY);
        for (int split = 0; split <= in.length; split++) {
            Run run = new Run();
            run.progress.sent((byte) 'Q');
            assertArrayEquals(in, run.feed(in, split), "split at " + split);
            assertTrue(run.progress.awaitingClient(), "split at " + split);
            assertTrue(run.stream.atBoundary());
            run.close();
        }
    }

    @Test
    void theStandInsErrorBecomesTheDenialAtEverySplit() {
        byte[] in = concat(ROW, DONE, READY, STAND_IN_ERROR, READY, ROW, DONE, READY);
        byte[] out = concat(ROW, DONE, READY, DENIAL, READY, ROW, DONE, READY);
        for (int split = 0; split <= in.length; split++) {
            for (int second = split; second <= in.length; second += 7) {
                Run run = new Run();
                run.progress.sent((byte) 'Q');
                long standIn = run.progress.sent((byte) 'Q');
                run.progress.sent((byte) 'Q');
                run.progress.expectDenial(standIn, NONCE, Unpooled.wrappedBuffer(DENIAL));
                assertArrayEquals(out, run.feed(in, split, second), "split at " + split + ", " + second);
                assertTrue(run.progress.awaitingClient());
                run.close();
            }
        }
    }

    @Test
    void anotherErrorInThePlaceOfTheStandInsIsPostgresqlsOwn() {
        // in an aborted transaction the stand-in is refused with 25P02 like any statement: that stands
        byte[] aborted = bytes(ErrorResponse.error(
                SqlState.of("25P02"),
                "current transaction is aborted, commands ignored until end of transaction block",
                null));
        byte[] in = concat(aborted, READY);
        for (int split = 0; split <= in.length; split++) {
            Run run = new Run();
            ByteBuf denial = Unpooled.wrappedBuffer(DENIAL);
            run.progress.expectDenial(run.progress.sent((byte) 'Q'), NONCE, denial);
            assertArrayEquals(in, run.feed(in, split), "split at " + split);
            assertEquals(0, denial.refCnt(), "the unused denial is released");
            run.close();
        }
    }

    @Test
    void aLongErrorIsNotHeldWhole() {
        byte[] longError = bytes(ErrorResponse.error(SqlState.SYNTAX_ERROR, NONCE + "y".repeat(100_000), null));
        byte[] in = concat(longError, READY);
        Run run = new Run();
        ByteBuf denial = Unpooled.wrappedBuffer(DENIAL);
        run.progress.expectDenial(run.progress.sent((byte) 'Q'), NONCE, denial);
        assertArrayEquals(in, run.feed(in, 1000, 50_000), "an error over 64 KiB cannot be the stand-in's");
        assertEquals(0, denial.refCnt());
        run.close();
    }

    @Test
    void theBoundaryIsKnownInsideAMessage() {
        byte[] in = concat(ROW, DONE);
        for (int split = 1; split < ROW.length; split++) {
            Run run = new Run();
            run.progress.sent((byte) 'Q');
            run.stream.forward(Unpooled.copiedBuffer(in, 0, split), run.client);
            assertFalse(run.stream.atBoundary(), "split at " + split);
            ByteBuf rest = Unpooled.copiedBuffer(in, split, in.length - split);
            assertEquals(ROW.length - split, run.stream.bytesToBoundary(rest), "split at " + split);
            rest.release();
            run.close();
        }
    }

    private static final class Run {
        final EmbeddedChannel client = new EmbeddedChannel();
        final ServerProgress progress = new ServerProgress();
        final BackendStream stream = new BackendStream(progress, new RelayCounters(METRICS));

        /** Feeds {@code in} cut at the given offsets; returns what the client was written. */
        byte[] feed(byte[] in, int... cuts) {
            int from = 0;
            for (int cut : cuts) {
                stream.forward(Unpooled.copiedBuffer(in, from, cut - from), client);
                from = cut;
            }
            stream.forward(Unpooled.copiedBuffer(in, from, in.length - from), client);
            client.flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuf b; (b = client.readOutbound()) != null; ) {
                out.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
            }
            return out.toByteArray();
        }

        void close() {
            stream.release();
            client.flush();
            client.finishAndReleaseAll();
        }
    }

    private static byte[] bytes(PgMessage m) {
        ByteBuf b = m.encode(Unpooled.buffer().alloc());
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
