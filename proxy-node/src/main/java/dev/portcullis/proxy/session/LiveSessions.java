package dev.portcullis.proxy.session;

import dev.portcullis.api.Kind;
import dev.portcullis.api.replica.ResourceReplica;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.policy.PolicyClient;
import dev.portcullis.proxy.state.ProxyState;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Live sessions follow the control plane: when a Session, User, Group, Policy or Service
 * changes, every live session is authorized again with its original request, and those that
 * would now be refused (a revoked Session, a deleted User, a policy that now denies) are closed
 * with a FATAL message naming why. If policy-service cannot answer, live sessions go on, and
 * their re-check is retried (backing off from {@value #FIRST_RETRY_MS} ms to
 * {@value #MAX_RETRY_MS} ms) until an answer comes: a change made while policy-service was away
 * is still enforced once it is back.
 */
@ApplicationScoped
public class LiveSessions implements ResourceReplica.Listener {
    private static final Logger LOG = Logger.getLogger(LiveSessions.class);
    static final long FIRST_RETRY_MS = 500;
    static final long MAX_RETRY_MS = 5_000;

    private final SessionRegistry sessions;
    private final PolicyClient policy;
    private final ProxyState state;
    private final ProxyConfig config;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "live-sessions"));
    private ScheduledFuture<?> pending;
    /** At most one scheduled retry per connection; a newer re-check replaces it. */
    private final Map<ClientConnection, ScheduledFuture<?>> retries = new ConcurrentHashMap<>();

    public LiveSessions(SessionRegistry sessions, PolicyClient policy, ProxyState state, ProxyConfig config) {
        this.sessions = sessions;
        this.policy = policy;
        this.state = state;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        state.replica().addListener(this);
    }

    @Override
    public void changed(WatchEvent.Type type, Resource resource) {
        if (!resource.hasSecret()) {
            schedule();
        }
    }

    @Override
    public void resynced(ResourceReplica replica) {
        schedule();
    }

    /** Changes come in bursts (an apply of many documents): gather them, then re-check once. */
    private synchronized void schedule() {
        if (pending == null || pending.isDone()) {
            pending = timer.schedule(
                    this::recheckAll, config.sessions().recheckDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void recheckAll() {
        for (ClientConnection c : sessions.all()) {
            if (c.connectRequest() != null) {
                recheck(c, 0);
            }
        }
    }

    private void recheck(ClientConnection c, int attempt) {
        ScheduledFuture<?> earlier = retries.remove(c);
        if (earlier != null) {
            earlier.cancel(false);
        }
        if (!c.client().isActive()) {
            return;
        }
        policy.authorize(c.connectRequest())
                .subscribe()
                .with(decision -> enforce(c, decision), failure -> retry(c, attempt, failure));
    }

    private void retry(ClientConnection c, int attempt, Throwable failure) {
        if (!c.client().isActive()) {
            return;
        }
        long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt, 10));
        LOG.debugf(
                "%s: re-check failed, policy-service unavailable (%s); retrying in %d ms",
                c.describe(), failure.toString(), delay);
        ScheduledFuture<?> next = timer.schedule(() -> recheck(c, attempt + 1), delay, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> replaced = retries.put(c, next);
        if (replaced != null) {
            replaced.cancel(false);
        }
    }

    private void enforce(ClientConnection c, AuthorizeResponse decision) {
        if (!decision.getAuthenticated()) {
            LOG.infof("%s: closing, %s", c.describe(), decision.getReason().getMessage());
            c.terminate(
                    SqlState.INVALID_PASSWORD,
                    "terminating connection: " + gone(c) + decision.getReason().getMessage());
        } else if (!decision.getAuthorized()) {
            LOG.infof(
                    "%s: closing, no longer authorized: %s",
                    c.describe(), decision.getReason().getMessage());
            c.terminate(
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "terminating connection: no longer authorized: "
                            + decision.getReason().getMessage());
        }
    }

    /** What the control plane no longer has, as this node's replica sees it: "User x was deleted: ", or "". */
    private String gone(ClientConnection c) {
        String user = c.authorization().getUserRef().getName();
        String session = c.authorization().getSessionRef().getName();
        if (!user.isEmpty() && state.replica().get(Kind.USER, user).isEmpty()) {
            return "User " + user + " was deleted: ";
        }
        if (!session.isEmpty() && state.replica().get(Kind.SESSION, session).isEmpty()) {
            return "Session " + session + " was revoked: ";
        }
        return "";
    }
}
