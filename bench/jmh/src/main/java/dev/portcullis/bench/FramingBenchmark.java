package dev.portcullis.bench;

import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.backend.BindComplete;
import dev.portcullis.pgwire.message.backend.CommandComplete;
import dev.portcullis.pgwire.message.backend.DataRow;
import dev.portcullis.pgwire.message.backend.ParseComplete;
import dev.portcullis.pgwire.message.backend.ReadyForQuery;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.Describe;
import dev.portcullis.pgwire.message.frontend.Execute;
import dev.portcullis.pgwire.message.frontend.FrontendMessages;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.Sync;
import dev.portcullis.pgwire.message.frontend.Target;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * pgwire framing on the inputs the proxy sees most: what the relay does per read (split the bytes
 * into frames, as retained slices, no copy) and what the audit tap adds for the messages it logs
 * (decode them). One operation is one message, so the scores read as messages per second per core.
 *
 * <ul>
 *   <li>{@code frontendExtendedBatch}: a pgbench {@code -M extended} transaction as one read —
 *       Parse, Bind, Describe, Execute, Sync — framed.
 *   <li>{@code frontendExtendedBatchDecoded}: the same, each frame also decoded into its record
 *       (the audit path: Parse, Bind and Execute become events).
 *   <li>{@code frontendSimpleQuery}: a pgbench {@code -S} simple Query, framed and decoded.
 *   <li>{@code backendSelectReply}: PostgreSQL's answer to that transaction — ParseComplete,
 *       BindComplete, a DataRow, CommandComplete, ReadyForQuery — framed.
 *   <li>{@code backendLargeDataRowStreamed}: a 1 MiB DataRow, streamed in chunks past the 64 KiB
 *       threshold as the relay does; one operation is one KiB here.
 * </ul>
 *
 * <p>Run as {@code java -jar bench/jmh/target/benchmarks.jar FramingBenchmark -f 1 -wi 3 -w 2s -i 5 -r 3s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FramingBenchmark {
    private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = $1;";
    private static final int LARGE_ROW = 1 << 20;

    private ByteBuf extendedBatch;
    private ByteBuf simpleQuery;
    private ByteBuf selectReply;
    private ByteBuf largeRow;
    private final FrameDecoder frontend = new FrameDecoder(Direction.FRONTEND, FrameLimits.AFTER_AUTHENTICATION);
    private final FrameDecoder backend = new FrameDecoder(Direction.BACKEND, FrameLimits.AFTER_AUTHENTICATION);

    @Setup(Level.Trial)
    public void setUp() {
        var alloc = PooledByteBufAllocator.DEFAULT;
        extendedBatch = alloc.directBuffer();
        new Parse("", SELECT, List.of()).encode(extendedBatch);
        new Bind("", "", List.of(0), List.of("12345".getBytes(StandardCharsets.US_ASCII)), List.of(0)).encode(extendedBatch);
        new Describe(Target.PORTAL, "").encode(extendedBatch);
        new Execute("", 0).encode(extendedBatch);
        Sync.INSTANCE.encode(extendedBatch);

        simpleQuery = alloc.directBuffer();
        new Query("SELECT abalance FROM pgbench_accounts WHERE aid = 12345;").encode(simpleQuery);

        selectReply = alloc.directBuffer();
        ParseComplete.INSTANCE.encode(selectReply);
        BindComplete.INSTANCE.encode(selectReply);
        new DataRow(List.of("-4242".getBytes(StandardCharsets.US_ASCII))).encode(selectReply);
        new CommandComplete("SELECT 1").encode(selectReply);
        ReadyForQuery.IDLE.encode(selectReply);

        largeRow = alloc.directBuffer(LARGE_ROW + 16);
        new DataRow(List.of(new byte[LARGE_ROW - 10])).encode(largeRow);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        extendedBatch.release();
        simpleQuery.release();
        selectReply.release();
        largeRow.release();
    }

    @Benchmark
    @OperationsPerInvocation(5)
    public void frontendExtendedBatch(Blackhole bh) {
        frameAll(frontend, extendedBatch, bh, false);
    }

    @Benchmark
    @OperationsPerInvocation(5)
    public void frontendExtendedBatchDecoded(Blackhole bh) {
        frameAll(frontend, extendedBatch, bh, true);
    }

    @Benchmark
    public void frontendSimpleQuery(Blackhole bh) {
        frameAll(frontend, simpleQuery, bh, true);
    }

    @Benchmark
    @OperationsPerInvocation(5)
    public void backendSelectReply(Blackhole bh) {
        frameAll(backend, selectReply, bh, false);
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_ROW / 1024)
    public void backendLargeDataRowStreamed(Blackhole bh) {
        // arrives as 16 KiB reads, as a socket would hand it over
        ByteBuf in = largeRow.duplicate();
        int end = in.writerIndex();
        int events = 0;
        for (int upTo = Math.min(end, 16 * 1024); ; upTo = Math.min(end, upTo + 16 * 1024)) {
            in.writerIndex(upTo);
            for (FrameEvent e; (e = backend.next(in)) != null; ) {
                bh.consume(e.tag());
                e.release();
                events++;
            }
            if (upTo == end) {
                break;
            }
        }
        if (events < 2 || backend.isStreaming()) {
            throw new IllegalStateException("the 1 MiB DataRow was not streamed whole: " + events + " events");
        }
    }

    private static void frameAll(FrameDecoder decoder, ByteBuf input, Blackhole bh, boolean decode) {
        ByteBuf in = input.duplicate();
        for (FrameEvent e; (e = decoder.next(in)) != null; ) {
            if (decode) {
                Frame f = (Frame) e;
                FrontendMessage m = FrontendMessages.decode(f.tag(), f.body().duplicate());
                bh.consume(m);
            } else {
                bh.consume(e.tag());
            }
            e.release();
        }
        if (in.isReadable()) {
            throw new IllegalStateException(in.readableBytes() + " bytes left unframed");
        }
    }
}
