package dev.portcullis.proxy.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventHandoffTest {

    @Test
    void everyEventOfEveryProducerArrivesOnceInItsProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        EventHandoff<long[]> handoff = new EventHandoff<>(1024);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    long[] event = {id, i};
                    while (!handoff.offer(event)) {
                        Thread.onSpinWait(); // full: the consumer is behind
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        long[] next = new long[producers];
        for (int received = 0; received < producers * perProducer; received++) {
            long[] e = handoff.poll(TimeUnit.SECONDS.toNanos(5));
            if (e == null) {
                throw new AssertionError("no event within 5 s after " + received + ": a wakeup was lost");
            }
            assertEquals(next[(int) e[0]]++, e[1], "producer " + e[0] + " out of order");
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(handoff.isEmpty());
        for (long n : next) {
            assertEquals(perProducer, n);
        }
    }

    @Test
    void aSleepingConsumerIsWokenByTheNextEventNotByItsTimeout() throws Exception {
        EventHandoff<String> handoff = new EventHandoff<>(16);
        Thread consumer = Thread.currentThread();
        Thread producer = new Thread(() -> {
            // offer only once the consumer is parked (past its nap, by the poll interval)
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getState() == Thread.State.TIMED_WAITING);
            handoff.offer("late");
        });
        long t0 = System.nanoTime();
        producer.start();
        assertEquals("late", handoff.poll(TimeUnit.SECONDS.toNanos(30)));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waitedMs < 5_000, "woken after " + waitedMs + " ms: the offer did not unpark the consumer");
        producer.join();
    }

    @Test
    void aFullHandoffRefusesAndAnEmptyOneTimesOut() throws Exception {
        EventHandoff<Integer> handoff = new EventHandoff<>(4);
        int accepted = 0;
        while (handoff.offer(accepted)) {
            accepted++;
        }
        assertTrue(accepted >= 4, "took only " + accepted);
        assertFalse(handoff.offer(-1));
        for (int i = 0; i < accepted; i++) {
            assertEquals(i, handoff.poll());
        }
        long t0 = System.nanoTime();
        assertNull(handoff.poll(TimeUnit.MILLISECONDS.toNanos(50)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50), "returned before its wait");
    }

    @Test
    void anInterruptedConsumerStopsWaiting() {
        EventHandoff<String> handoff = new EventHandoff<>(4);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> handoff.poll(TimeUnit.SECONDS.toNanos(30)));
        assertFalse(Thread.interrupted());
    }
}
