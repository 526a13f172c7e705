package dev.portcullis.proxy.auth.client;

import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.limits.FailureBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Token guessing is slowed and logged: each source address may fail the access-token check
 * {@code portcullis.auth.max-failures} times, then earns attempts back over
 * {@code portcullis.auth.failure-window}. Only rejected tokens count: a valid one costs nothing,
 * whatever the number of logins at once. Checks run concurrently only as far as the source's
 * remaining failures could pay for, plus {@code portcullis.auth.checks-in-flight}; the rest wait
 * their turn ({@link FailureBudget}), so N parallel guesses get at most max-failures + that many
 * checked and the others are refused without asking policy-service. Log lines name the source,
 * the user name the client gave and the reason, never the token.
 */
public final class AuthFailureLimiter {
    private static final Logger LOG = Logger.getLogger(AuthFailureLimiter.class);

    private final FailureBudget budget;
    private final ProxyConfig.Auth config;
    private final MeterRegistry metrics;

    public AuthFailureLimiter(ProxyConfig.Auth config, MeterRegistry metrics) {
        this.config = config;
        this.metrics = metrics;
        double perSecond = config.maxFailures() / (config.failureWindow().toNanos() / 1e9);
        this.budget =
                new FailureBudget(config.maxFailures(), perSecond, config.checksInFlight(), config.maxTrackedSources());
    }

    /** The address a connection's attempts are counted against; null when it has none (in-memory channels). */
    public static InetAddress source(SocketAddress remote) {
        return remote instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** How long the source must wait before its next attempt; zero when it may try now. */
    public Duration retryAfter(InetAddress source) {
        return source == null ? Duration.ZERO : budget.retryAfter(source);
    }

    /**
     * Asks to check a token from {@code source}: {@code waiter} is granted a permit (now, or when
     * its turn comes) or refused with the time to wait. Report each permit's outcome with
     * {@link #rejected} or {@link #accepted}.
     *
     * @return cancels a wait still queued (the client went away)
     */
    public Runnable check(InetAddress source, FailureBudget.Waiter waiter) {
        if (source == null) {
            waiter.granted(null);
            return () -> {};
        }
        return budget.acquire(source, waiter);
    }

    /** The token was valid, or could not be checked: the attempt does not count. */
    public void accepted(FailureBudget.Permit permit) {
        if (permit != null) {
            permit.passed();
        }
    }

    /** The token was rejected: the attempt counts, and is logged. */
    public void rejected(FailureBudget.Permit permit, InetAddress source, String user, String service, String reason) {
        if (permit != null) {
            permit.failed();
        }
        metrics.counter("portcullis.proxy.auth.failures", "outcome", "rejected").increment();
        LOG.warnf(
                "access token rejected: user \"%s\" from %s to Service %s: %s",
                printable(user), address(source), service, printable(reason));
    }

    /** An attempt refused because its source has failed too often: logged, never sent to policy-service. */
    public void limited(InetAddress source, String user, String service, Duration retryAfter) {
        metrics.counter("portcullis.proxy.auth.failures", "outcome", "limited").increment();
        LOG.warnf(
                "authentication attempt refused: user \"%s\" from %s to Service %s: too many failed access tokens from"
                        + " this address (limit %d per %s), next attempt allowed in %d s",
                printable(user),
                address(source),
                service,
                config.maxFailures(),
                config.failureWindow(),
                seconds(retryAfter));
    }

    /** The message the client gets. */
    public String refusal(InetAddress source, Duration retryAfter) {
        return "too many failed authentication attempts from " + address(source) + ": attempts from this address are"
                + " limited to " + config.maxFailures() + " failures per " + human(config.failureWindow())
                + "; try again in " + seconds(retryAfter) + " s";
    }

    public static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    private static String address(InetAddress source) {
        return source == null ? "an unknown address" : source.getHostAddress();
    }

    /** Client-chosen text in a log line: control characters escaped (no forged lines), length capped. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
        int i = 0;
        for (; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return i < s.length() ? b + "..." : b.toString();
    }
}
