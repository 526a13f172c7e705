package dev.portcullis.proxy.audit;

import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands events from the event loops (many producers) to one consumer thread without a wakeup per
 * event. A lock-based blocking queue signalled the consumer on every offer: with full audit that
 * lock, the unpark and the consumer's park/unpark cost 15 % of the proxy's CPU (async-profiler,
 * bench/pgbench.sh, PROFILE=ap). Here a producer only unparks the consumer when it has announced
 * that it sleeps; while events keep coming the consumer naps for {@link #NAP_NANOS} between
 * batches instead, and nobody wakes it.
 */
final class EventHandoff<T> {
    /**
     * What a busy consumer waits between batches: an event waits at most this long more (nothing
     * next to Kafka's linger). 5 ms instead of 0.5: a tenth of the wakeups, each preempting an event
     * loop or a backend on a small machine, and ten times the events per (cache-cold) wakeup;
     * -M simple at 8 clients went from 15,500 to 17,500 tps in an in-run A/B (bench/pgbench.sh,
     * NODE2_AUDIT), 20 ms did no better.
     */
    static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Queue<T> queue;
    private final int capacity;
    private volatile boolean sleeping;
    private volatile Thread consumer;

    /** @param capacity at least this many events can wait (rounded up to a power of two) */
    EventHandoff(int capacity) {
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** From any thread; never blocks. False when the handoff is full. */
    boolean offer(T event) {
        if (!queue.offer(event)) {
            return false;
        }
        // the offer's index update is a full fence, so either we see the consumer's flag here or
        // the consumer sees this event in its last look before parking (and it parks with a bound)
        if (sleeping) {
            LockSupport.unpark(consumer);
        }
        return true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** From the consumer thread only: the next event, or null. */
    T poll() {
        return queue.poll();
    }

    /** From the consumer thread only: the next event, waiting up to {@code waitNanos}; null if none came. */
    T poll(long waitNanos) throws InterruptedException {
        T e = queue.poll();
        if (e != null || waitNanos <= 0) {
            return e;
        }
        consumer = Thread.currentThread();
        long deadline = System.nanoTime() + waitNanos;
        // a nap first, unannounced: under load the next events arrive meanwhile at no cost to anyone
        LockSupport.parkNanos(this, Math.min(NAP_NANOS, waitNanos));
        while ((e = queue.poll()) == null) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            sleeping = true;
            if (queue.isEmpty()) {
                LockSupport.parkNanos(this, left);
            }
            sleeping = false;
        }
        return e;
    }
}
