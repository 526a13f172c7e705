package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Netty's leak reports in the proxy under test, as test failures. Surefire runs proxy-node tests
 * with the detector at PARANOID; a report comes when a buffer is garbage collected unreleased and
 * a later allocation polls the detector's queue, so {@link #assertNoneReported()} collects and
 * allocates first. The proxy runs in the test's JVM, so its buffers are seen here.
 */
final class NettyLeaks {
    private static final Logger DETECTOR_LOG = Logger.getLogger(ResourceLeakDetector.class.getName());
    private static final List<String> REPORTS = Collections.synchronizedList(new ArrayList<>());
    private static final Handler RECORDER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = String.valueOf(record.getMessage());
            if (record.getLevel().intValue() >= Level.SEVERE.intValue() && message.contains("LEAK")) {
                REPORTS.add(message.length() > 3000 ? message.substring(0, 3000) + "..." : message);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private NettyLeaks() {}

    /** Starts recording; fails unless the detector runs at PARANOID. */
    static synchronized void watch() {
        assertEquals(
                ResourceLeakDetector.Level.PARANOID,
                ResourceLeakDetector.getLevel(),
                "surefire must run proxy-node tests with -Dio.netty.leakDetection.level=paranoid");
        if (!List.of(DETECTOR_LOG.getHandlers()).contains(RECORDER)) {
            DETECTOR_LOG.addHandler(RECORDER);
        }
    }

    /** Makes the detector look for collected, unreleased buffers; fails if it found any since {@link #watch()}. */
    static void assertNoneReported() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(1);
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            unpooled.release();
            pooled.release();
        }
        List<String> found;
        synchronized (REPORTS) {
            found = List.copyOf(REPORTS);
            REPORTS.clear();
        }
        assertTrue(found.isEmpty(), () -> "ByteBuf leaks reported by Netty:\n" + String.join("\n", found));
    }
}
