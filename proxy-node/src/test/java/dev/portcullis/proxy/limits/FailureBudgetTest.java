package dev.portcullis.proxy.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Only failures spend the budget; concurrency is bounded by what it could still pay for plus a few. */
class FailureBudgetTest {
    private final AtomicLong now = new AtomicLong();
    /** 10 failures per minute, 2 checks beyond them in flight, as the node's defaults. */
    private final FailureBudget budget = new FailureBudget(10, 10 / 60.0, 2, 100, now::get);

    private final InetAddress source = address("192.0.2.1");

    /** What one check was told. */
    private static final class Check implements FailureBudget.Waiter {
        FailureBudget.Permit permit;
        Duration refused;

        @Override
        public void granted(FailureBudget.Permit p) {
            permit = p;
        }

        @Override
        public void refused(Duration retryAfter) {
            refused = retryAfter;
        }
    }

    @Test
    void anyNumberOfConcurrentPassingChecksGetThroughInTurn() {
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Check c = new Check();
            budget.acquire(source, c);
            checks.add(c);
        }
        assertEquals(12, running(checks), "as many run as 10 failures could pay for, plus 2");
        int passed = 0;
        while (passed < 500) {
            Check next =
                    checks.stream().filter(c -> c.permit != null).findFirst().orElseThrow();
            checks.remove(next);
            next.permit.passed();
            passed++;
            assertTrue(checks.stream().noneMatch(c -> c.refused != null), "a valid login is never refused");
            assertTrue(running(checks) <= 12);
        }
        assertEquals(Duration.ZERO, budget.retryAfter(source), "successes cost nothing");
    }

    @Test
    void parallelFailuresGetAtMostTheBudgetPlusTheInFlightAllowanceChecked() {
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Check c = new Check();
            budget.acquire(source, c);
            checks.add(c);
        }
        int failed = 0;
        for (Check c;
                (c = checks.stream().filter(x -> x.permit != null).findFirst().orElse(null)) != null; ) {
            checks.remove(c);
            c.permit.failed();
            failed++;
        }
        assertEquals(12, failed, "10 failures + 2 in flight");
        assertEquals(88, checks.stream().filter(c -> c.refused != null).count(), "the rest refused, unchecked");
        Duration wait = budget.retryAfter(source);
        assertEquals(Duration.ofSeconds(18), wait, "the 2 overspent are paid back before the next attempt: 3 x 6 s");
        Check late = new Check();
        budget.acquire(source, late);
        assertEquals(wait, late.refused);
        now.addAndGet(wait.toNanos());
        Check again = new Check();
        budget.acquire(source, again);
        assertTrue(again.permit != null, "one attempt earned back");
    }

    @Test
    void aSourceThatFailedSequentiallyIsRefusedAtOnceAndOthersAreNot() {
        for (int i = 0; i < 10; i++) {
            Check c = new Check();
            budget.acquire(source, c);
            c.permit.failed();
        }
        Check eleventh = new Check();
        budget.acquire(source, eleventh);
        assertEquals(Duration.ofSeconds(6), eleventh.refused);
        Check other = new Check();
        budget.acquire(address("192.0.2.2"), other);
        assertTrue(other.permit != null);
    }

    @Test
    void aWaitingCheckCanLeaveAndAPermitCountsOnce() {
        List<Check> running = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Check c = new Check();
            budget.acquire(source, c);
            running.add(c);
        }
        Check waiting = new Check();
        Runnable leave = budget.acquire(source, waiting);
        leave.run();
        running.get(0).permit.passed();
        running.get(0).permit.failed(); // a second report is ignored
        assertTrue(waiting.permit == null && waiting.refused == null, "a check that left is not granted");
        assertEquals(Duration.ZERO, budget.retryAfter(source));
    }

    @Test
    void idleSourcesAreForgottenBusyOnesKept() {
        FailureBudget small = new FailureBudget(1, 1 / 60.0, 0, 10, now::get);
        Check busy = new Check();
        small.acquire(source, busy);
        for (int i = 0; i < 1000; i++) {
            Check c = new Check();
            small.acquire(address("10.0." + (i / 250) + "." + (i % 250)), c);
            c.permit.passed();
            assertTrue(small.trackedSources() <= 11);
        }
        busy.permit.failed();
        assertTrue(small.retryAfter(source).compareTo(Duration.ZERO) > 0, "the busy source's failure was kept");
    }

    private static long running(List<Check> checks) {
        return checks.stream().filter(c -> c.permit != null).count();
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
