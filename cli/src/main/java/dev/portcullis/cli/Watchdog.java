package dev.portcullis.cli;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Ends a read from a stream that has gone silent. A server that vanishes without closing the
 * connection (a network partition, a killed host) would otherwise leave {@code logs -f} waiting
 * forever. It closes the stream and interrupts the reading thread: the JDK's HTTP body stream
 * does not wake a blocked reader on close alone. The reader clears the interrupt with
 * {@link #close()}.
 */
final class Watchdog implements AutoCloseable {
    private final Closeable stream;
    private final Thread reader = Thread.currentThread();
    private final long limitNanos;
    private final Thread thread;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean fired;
    private volatile boolean closed;

    Watchdog(Closeable stream, Duration limit) {
        this.stream = stream;
        this.limitNanos = limit.toNanos();
        this.thread = new Thread(this::watch, "logs-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    void alive() {
        lastActivity = System.nanoTime();
    }

    boolean fired() {
        return fired;
    }

    private void watch() {
        synchronized (this) {
            while (!closed) {
                long silentFor = System.nanoTime() - lastActivity;
                if (silentFor >= limitNanos) {
                    fired = true;
                    reader.interrupt();
                    try {
                        stream.close();
                    } catch (IOException ignored) {
                        // the reader sees the end either way
                    }
                    return;
                }
                try {
                    wait(Math.max(1, (limitNanos - silentFor) / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops watching; called by the reading thread, whose interrupt (if we fired) is cleared. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        if (fired) {
            Thread.interrupted();
        }
    }
}
