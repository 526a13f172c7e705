package dev.portcullis.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns Netty's leak reports into test failures. Registered for every test class through
 * {@code META-INF/services} (auto-detection is enabled in {@code junit-platform.properties});
 * {@link LeakReportsFailProperties} does the same for jqwik's property classes.
 *
 * <p>Explicit {@code refCnt() == 0} checks in the tests are the precise guard; this is the net
 * under them. Netty reports a leak when a tracked buffer has been garbage collected unreleased
 * and a later allocation polls its queue, so after each class we collect and allocate.
 */
public final class LeakReportsFailTests implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final Logger NETTY_LEAK_LOGGER = Logger.getLogger(ResourceLeakDetector.class.getName());
    private static final Handler RECORDER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()
                    && String.valueOf(record.getMessage()).contains("LEAK")) {
                // the access records run to hundreds of lines; the first ones locate the leak
                String report = record.getMessage();
                LEAKS.add(report.length() > 2000 ? report.substring(0, 2000) + "..." : report);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        startRecording();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeakReported();
    }

    /** Checks the detector runs at PARANOID and starts collecting its reports. */
    static void startRecording() {
        assertEquals(
                ResourceLeakDetector.Level.PARANOID,
                ResourceLeakDetector.getLevel(),
                "surefire must run tests with -Dio.netty.leakDetection.level=paranoid");
        synchronized (RECORDER) {
            if (!List.of(NETTY_LEAK_LOGGER.getHandlers()).contains(RECORDER)) {
                NETTY_LEAK_LOGGER.addHandler(RECORDER);
            }
        }
    }

    /** Makes the detector look for collected, unreleased buffers and fails if it found any. */
    static void assertNoLeakReported() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // allocating is what makes the detector poll for collected, unreleased buffers
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(1);
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            unpooled.release();
            pooled.release();
        }
        List<String> leaks = List.copyOf(LEAKS);
        LEAKS.clear();
        assertTrue(leaks.isEmpty(), () -> "ByteBuf leaks reported by Netty:\n" + String.join("\n", leaks));
    }
}
