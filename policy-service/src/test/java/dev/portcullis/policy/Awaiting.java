package dev.portcullis.policy;

import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1.AuthorizeResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Decisions that depend on a write the replica may not have received yet. */
final class Awaiting {
    private Awaiting() {}

    /**
     * The first decision once the replica knows the caller. Writes usually propagate in well under 1 s, but
     * on a loaded 2-core CI machine the replica's watch stream may still be reconnecting when the first row
     * runs (CI failed once at 1 s), so the bound is generous: it limits a hang, it does not measure latency.
     */
    static AuthorizeResponse decision(Supplier<AuthorizeResponse> call) {
        return until(call, AuthorizeResponse::getAuthenticated, Duration.ofSeconds(15));
    }

    static AuthorizeResponse until(
            Supplier<AuthorizeResponse> call, Predicate<AuthorizeResponse> done, Duration within) {
        AtomicReference<AuthorizeResponse> last = new AtomicReference<>();
        await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> {
            last.set(call.get());
            return done.test(last.get());
        });
        return last.get();
    }
}
