package dev.portcullis.pgwire.fuzz;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input on a worker thread and fails if it does not finish in time: a decoder that
 * loops forever on some input must fail the property, not hang the build.
 *
 * <p>A timed-out worker cannot be stopped (a busy loop ignores interrupts), so it is abandoned as
 * a daemon thread and a fresh one takes over.
 */
final class Bounded {

    /** Inputs are at most a few KiB; even a paused, loaded CI machine decodes one in far less. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    private static ExecutorService worker = newWorker();

    private Bounded() {}

    static synchronized <T> T run(Callable<T> work) {
        Future<T> result = worker.submit(work);
        try {
            return result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("decoding did not terminate within " + LIMIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AssertionError("checked exception from a decoder", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static void run(Runnable work) {
        run(() -> {
            work.run();
            return null;
        });
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fuzz-input");
            thread.setDaemon(true);
            return thread;
        });
    }
}
