package dev.portcullis.proxy.limits;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Per source address: how many checks may fail, and how many may run at once. Only failures
 * spend the budget ({@code capacity}, refilled at {@code perSecond}); a check that succeeds costs
 * nothing, so any number of valid logins from one address (a balancer, a pool warming up) get
 * through. Concurrent checks are bounded by what the budget could still pay for plus
 * {@code extraInFlight}: a burst of N guesses gets at most capacity + extraInFlight of them
 * checked; the others wait their turn while the budget lasts, and are refused, unchecked, once it
 * is spent.
 *
 * <p>Memory is bounded: at most {@code maxSources} idle sources are remembered, the least recently
 * seen forgotten first; a source with checks running or waiting is never forgotten. An IPv6 source
 * counts as its /64. Thread-safe; callbacks run on the caller's thread or the thread that ended a
 * check, outside the lock.
 */
public final class FailureBudget {
    /** What a check waiting for its turn is told: go, or no. */
    public interface Waiter {
        void granted(Permit permit);

        void refused(Duration retryAfter);
    }

    /** A running check. Say once how it went; later calls do nothing. */
    public final class Permit {
        private final Source source;
        private boolean done;

        private Permit(Source source) {
            this.source = source;
        }

        /** The check failed: it spends one of the source's failures. */
        public void failed() {
            end(this, true);
        }

        /** The check passed, or could not be made: it costs nothing. */
        public void passed() {
            end(this, false);
        }
    }

    private static final class Source {
        final InetAddress key;
        double budget;
        long updated;
        int running;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

        Source(InetAddress key, double budget, long now) {
            this.key = key;
            this.budget = budget;
            this.updated = now;
        }

        boolean idle() {
            return running == 0 && waiting.isEmpty();
        }
    }

    private final double capacity;
    private final double perSecond;
    private final int extraInFlight;
    private final int maxSources;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<InetAddress, Source> sources = new LinkedHashMap<>(256, 0.75f, true);

    public FailureBudget(double capacity, double perSecond, int extraInFlight, int maxSources) {
        this(capacity, perSecond, extraInFlight, maxSources, System::nanoTime);
    }

    FailureBudget(double capacity, double perSecond, int extraInFlight, int maxSources, LongSupplier nanoClock) {
        if (capacity < 1 || perSecond <= 0 || extraInFlight < 0 || maxSources < 1) {
            throw new IllegalArgumentException(
                    "capacity >= 1, perSecond > 0, extraInFlight >= 0 and maxSources >= 1, not " + capacity + ", "
                            + perSecond + ", " + extraInFlight + ", " + maxSources);
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.extraInFlight = extraInFlight;
        this.maxSources = maxSources;
        this.nanoClock = nanoClock;
    }

    /**
     * Asks to run a check for {@code source}: {@code waiter} is granted a permit now or when a
     * running check ends, or refused (now, or once the budget is spent while it waits).
     *
     * @return cancels the wait (the client went away); does nothing once granted or refused
     */
    public Runnable acquire(InetAddress source, Waiter waiter) {
        Permit granted = null;
        Duration refused = null;
        synchronized (sources) {
            Source s = source(source);
            if (s.budget < 1) {
                refused = retryAfter(s);
            } else if (s.waiting.isEmpty() && mayRun(s)) {
                s.running++;
                granted = new Permit(s);
            } else {
                s.waiting.add(waiter);
            }
        }
        if (granted != null) {
            waiter.granted(granted);
            return () -> {};
        }
        if (refused != null) {
            waiter.refused(refused);
            return () -> {};
        }
        return () -> {
            synchronized (sources) {
                Source s = sources.get(SourceRateLimiter.key(source));
                if (s != null) {
                    s.waiting.remove(waiter);
                }
            }
        };
    }

    /** How long until the source may be checked again: zero when it may now. */
    public Duration retryAfter(InetAddress source) {
        synchronized (sources) {
            Source s = sources.get(SourceRateLimiter.key(source));
            if (s == null) {
                return Duration.ZERO;
            }
            refill(s);
            return retryAfter(s);
        }
    }

    /** Sources remembered now. */
    public int trackedSources() {
        synchronized (sources) {
            return sources.size();
        }
    }

    private void end(Permit permit, boolean failed) {
        List<Runnable> calls = new ArrayList<>();
        synchronized (sources) {
            if (permit.done) {
                return;
            }
            permit.done = true;
            Source s = permit.source;
            refill(s);
            s.running--;
            if (failed) {
                // spent below zero by checks that were running at once: the wait grows to match
                s.budget = Math.max(-extraInFlight, s.budget - 1);
            }
            while (!s.waiting.isEmpty()) {
                if (s.budget < 1) {
                    Duration wait = retryAfter(s);
                    for (Waiter w : s.waiting) {
                        calls.add(() -> w.refused(wait));
                    }
                    s.waiting.clear();
                } else if (mayRun(s)) {
                    Waiter w = s.waiting.poll();
                    s.running++;
                    Permit next = new Permit(s);
                    calls.add(() -> w.granted(next));
                } else {
                    break;
                }
            }
            trim();
        }
        calls.forEach(Runnable::run);
    }

    /** While the budget lasts, as many checks may run as it could pay for, plus the configured few. */
    private boolean mayRun(Source s) {
        return s.running < Math.floor(s.budget) + extraInFlight;
    }

    private Source source(InetAddress address) {
        InetAddress key = SourceRateLimiter.key(address);
        long now = nanoClock.getAsLong();
        Source s = sources.get(key);
        if (s == null) {
            s = new Source(key, capacity, now);
            sources.put(key, s);
            trim();
        } else {
            refill(s);
        }
        return s;
    }

    /** Forgets the least recently seen idle sources beyond the cap (a busy one is kept until it is idle). */
    private void trim() {
        var it = sources.entrySet().iterator();
        int excess = sources.size() - maxSources;
        while (excess > 0 && it.hasNext()) {
            if (it.next().getValue().idle()) {
                it.remove();
                excess--;
            }
        }
    }

    private void refill(Source s) {
        long now = nanoClock.getAsLong();
        s.budget = Math.min(capacity, s.budget + (now - s.updated) / 1e9 * perSecond);
        s.updated = now;
    }

    private Duration retryAfter(Source s) {
        return s.budget >= 1 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil((1 - s.budget) / perSecond * 1e9));
    }

    @Override
    public String toString() {
        return "FailureBudget[" + capacity + " failures, " + perSecond + "/s back, +" + extraInFlight + " in flight]";
    }
}
