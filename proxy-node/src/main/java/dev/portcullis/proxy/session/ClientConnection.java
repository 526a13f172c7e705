package dev.portcullis.proxy.session;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.proxy.auth.upstream.UpstreamLink;
import dev.portcullis.proxy.auth.upstream.UpstreamTarget;
import dev.portcullis.proxy.cancel.CancelKeys;
import io.netty.channel.Channel;
import java.time.Instant;
import java.util.UUID;

/**
 * One client connection's state, from accept to close: who it is, what it asked for, where it
 * goes. Touched only from the connection's event loop, except the counters.
 */
public final class ClientConnection {
    private final String id = UUID.randomUUID().toString();
    private final Instant startedAt = Instant.now();
    private final Channel client;
    private final String service;

    private boolean tls;
    private StartupMessage startup;
    private AuthorizeResponse authorization;
    private UpstreamTarget target;
    private UpstreamLink upstream;
    private CancelKeys.Key cancelKey;
    private volatile boolean endedByClient;
    private volatile String endReason = "client disconnected";

    ClientConnection(Channel client, String service) {
        this.client = client;
        this.service = service;
    }

    public String id() {
        return id;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Channel client() {
        return client;
    }

    public String service() {
        return service;
    }

    public boolean tls() {
        return tls;
    }

    void tls(boolean tls) {
        this.tls = tls;
    }

    public StartupMessage startup() {
        return startup;
    }

    void startup(StartupMessage startup) {
        this.startup = startup;
    }

    public AuthorizeResponse authorization() {
        return authorization;
    }

    void authorization(AuthorizeResponse authorization) {
        this.authorization = authorization;
    }

    public UpstreamTarget target() {
        return target;
    }

    void target(UpstreamTarget target) {
        this.target = target;
    }

    public UpstreamLink upstream() {
        return upstream;
    }

    void upstream(UpstreamLink upstream) {
        this.upstream = upstream;
    }

    public CancelKeys.Key cancelKey() {
        return cancelKey;
    }

    void cancelKey(CancelKeys.Key cancelKey) {
        this.cancelKey = cancelKey;
    }

    /** The client said goodbye (Terminate): the upstream closing next is no failure. */
    public void markEndedByClient() {
        endedByClient = true;
    }

    public boolean endedByClient() {
        return endedByClient;
    }

    /** Why the session ended, for its SESSION_END event; the first reason given wins. */
    public void endReason(String reason) {
        if ("client disconnected".equals(endReason)) {
            endReason = reason;
        }
    }

    public String endReason() {
        return endReason;
    }

    /** For operators' log lines: never the token or any secret. */
    public String describe() {
        String user = authorization == null ? "?" : authorization.getUserRef().getName();
        return "connection " + id + " (service " + service + ", user " + user + ", from " + client.remoteAddress() + ")";
    }
}
