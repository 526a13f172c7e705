package dev.portcullis.proxy.session;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.api.replica.ResourceReplica;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.policy.PolicyClient;
import dev.portcullis.proxy.state.ProxyState;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Live sessions follow the control plane: when a Session, User, Group, Policy or Service
 * changes, every live session is authorized again with its original request, and those that
 * would now be refused (a revoked Session, a deleted User, a policy that now denies) are closed
 * with a FATAL message naming why. If policy-service cannot answer, live sessions go on.
 */
@ApplicationScoped
public class LiveSessions implements ResourceReplica.Listener {
    private static final Logger LOG = Logger.getLogger(LiveSessions.class);

    private final SessionRegistry sessions;
    private final PolicyClient policy;
    private final ProxyState state;
    private final ProxyConfig config;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "live-sessions"));
    private ScheduledFuture<?> pending;

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
            pending = timer.schedule(this::recheckAll, config.sessions().recheckDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void recheckAll() {
        for (ClientConnection c : sessions.all()) {
            if (c.connectRequest() == null) {
                continue;
            }
            policy.authorize(c.connectRequest()).subscribe().with(
                    decision -> enforce(c, decision),
                    failure -> LOG.debugf("re-check of %s skipped, policy-service unavailable: %s", c.describe(),
                            failure.toString()));
        }
    }

    private static void enforce(ClientConnection c, AuthorizeResponse decision) {
        if (!decision.getAuthenticated()) {
            LOG.infof("%s: closing, %s", c.describe(), decision.getReason().getMessage());
            c.terminate(SqlState.INVALID_PASSWORD, "terminating connection: " + decision.getReason().getMessage());
        } else if (!decision.getAuthorized()) {
            LOG.infof("%s: closing, no longer authorized: %s", c.describe(), decision.getReason().getMessage());
            c.terminate(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "terminating connection: no longer authorized: " + decision.getReason().getMessage());
        }
    }
}
