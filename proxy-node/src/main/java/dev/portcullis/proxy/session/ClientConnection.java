package dev.portcullis.proxy.session;

import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.proxy.audit.AuditedConnection;
import dev.portcullis.proxy.auth.upstream.UpstreamLink;
import dev.portcullis.proxy.auth.upstream.UpstreamTarget;
import dev.portcullis.proxy.cancel.CancelKeys;
import dev.portcullis.proxy.net.Fatal;
import dev.portcullis.proxy.relay.Relay;
import dev.portcullis.proxy.relay.RelayedSession;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One client connection, from accept to close: its {@link SessionState}, who it is, what it asked
 * for, the plan it runs under and the relay that carries it. Touched only from the connection's
 * event loop, except {@link #terminate} and the end reason. Audit reads it as an
 * {@link AuditedConnection}, the relay as a {@link RelayedSession}; neither changes it.
 */
public final class ClientConnection implements AuditedConnection, RelayedSession {
    /** Name of the client TLS handler in the pipeline. */
    static final String TLS_HANDLER = "client-tls";

    private static final String NOT_ENDED = "client disconnected";

    private final String id = UUID.randomUUID().toString();
    private final Instant startedAt = Instant.now();
    private final Channel client;
    private final String service;

    private SessionState state = SessionState.AWAIT_STARTUP;
    private boolean tls;
    /** TLS began without an SSLRequest (PostgreSQL 17's sslnegotiation=direct), so ALPN must say postgresql. */
    private boolean directTls;
    /** Who the client is: the peer, or the address a trusted load balancer's PROXY header names. */
    private SocketAddress clientAddress;

    private StartupMessage startup;
    /** Every setting the client asked for (startup parameters, options expanded), by lower-case name. */
    private Map<String, String> settings = Map.of();

    private AuthorizeRequest connectRequest;
    private AuthorizeResponse authorization;
    private SessionPlan plan;
    private UpstreamLink upstream;
    private CancelKeys.Key cancelKey;
    private Relay relay;
    private volatile boolean endedByClient;
    private volatile String endReason = NOT_ENDED;

    ClientConnection(Channel client, String service) {
        this.client = client;
        this.service = service;
        this.clientAddress = client.remoteAddress();
    }

    SessionState state() {
        return state;
    }

    /** Moves to {@code to}; a transition {@link SessionState} does not list throws (a bug, never taken). */
    void state(SessionState to) {
        state = state.next(to);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    public Channel client() {
        return client;
    }

    @Override
    public String service() {
        return service;
    }

    /** The client's address, as limits, logs and the audit trail name it (not the balancer's). */
    @Override
    public SocketAddress clientAddress() {
        return clientAddress;
    }

    void clientAddress(SocketAddress address) {
        this.clientAddress = address;
    }

    @Override
    public boolean tls() {
        return tls;
    }

    /** TLS after an SSLRequest: the handshake begins. */
    void tlsRequested() {
        state(SessionState.TLS);
        this.tls = true;
    }

    /** TLS without an SSLRequest: the handshake begins, and must negotiate ALPN postgresql. */
    void directTls() {
        tlsRequested();
        this.directTls = true;
    }

    boolean isDirectTls() {
        return directTls;
    }

    @Override
    public StartupMessage startup() {
        return startup;
    }

    void startup(StartupMessage startup) {
        this.startup = startup;
    }

    public Map<String, String> settings() {
        return settings;
    }

    void settings(Map<String, String> settings) {
        // in the client's order, so that a refusal names the first setting that may not pass
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The connect request as authorized (token included): kept to re-check the session. Never logged. */
    public AuthorizeRequest connectRequest() {
        return connectRequest;
    }

    void connectRequest(AuthorizeRequest request) {
        this.connectRequest = request;
    }

    @Override
    public AuthorizeResponse authorization() {
        return authorization;
    }

    void authorization(AuthorizeResponse authorization) {
        this.authorization = authorization;
    }

    /** What the session runs under, resolved once at the decision; null before it. */
    public SessionPlan plan() {
        return plan;
    }

    void plan(SessionPlan plan) {
        this.plan = plan;
    }

    @Override
    public UpstreamTarget target() {
        return plan == null ? null : plan.target();
    }

    @Override
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

    void relay(Relay relay) {
        this.relay = relay;
    }

    Relay relay() {
        return relay;
    }

    @Override
    public void markEndedByClient() {
        endedByClient = true;
    }

    @Override
    public boolean endedByClient() {
        return endedByClient;
    }

    /**
     * Closes the session with a FATAL message, from any thread: through the relay once it runs (at a
     * message boundary), directly before.
     */
    public void terminate(SqlState state, String message) {
        terminate(state, message, null);
    }

    public void terminate(SqlState state, String message, String hint) {
        endReason(message);
        client.eventLoop().execute(() -> {
            if (relay != null) {
                relay.terminate(state, message, hint);
            } else {
                Fatal.send(client, state, message, hint);
            }
        });
    }

    /** Closes the session with a FATAL message once no statement runs (a draining node), from any thread. */
    public void terminateWhenIdle(SqlState state, String message, String hint) {
        client.eventLoop().execute(() -> {
            if (relay != null) {
                endReason(message);
                relay.terminateWhenIdle(state, message, hint);
            }
        });
    }

    @Override
    public void endReason(String reason) {
        if (NOT_ENDED.equals(endReason)) {
            endReason = reason;
        }
    }

    public String endReason() {
        return endReason;
    }

    /** For operators' log lines: never the token or any secret. */
    @Override
    public String describe() {
        String user = authorization == null ? "?" : authorization.getUserRef().getName();
        String session =
                authorization == null || authorization.getSessionRef().getName().isEmpty()
                        ? ""
                        : ", session " + authorization.getSessionRef().getName();
        return "connection " + id + " (service " + service + ", user " + user + session + ", from " + clientAddress
                + ")";
    }
}
