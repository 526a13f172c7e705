package dev.portcullis.proxy.session;

import dev.portcullis.api.v1.AuthorizeRequest;
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

    /** Name of the client TLS handler in the pipeline. */
    static final String TLS_HANDLER = "client-tls";

    private boolean tls;
    /** TLS began without an SSLRequest (PostgreSQL 17's sslnegotiation=direct), so ALPN must say postgresql. */
    private boolean directTls;
    /** Who the client is: the peer, or the address a trusted load balancer's PROXY header names. */
    private java.net.SocketAddress clientAddress;
    private StartupMessage startup;
    /** Every setting the client asked for (startup parameters, options expanded), by lower-case name. */
    private java.util.Map<String, String> settings = java.util.Map.of();
    private AuthorizeResponse authorization;
    private UpstreamTarget target;
    private UpstreamLink upstream;
    private CancelKeys.Key cancelKey;
    private volatile boolean endedByClient;
    private volatile String endReason = "client disconnected";
    private AuthorizeRequest connectRequest;
    private volatile Terminator terminator;

    /** Ends a live session from outside its relay: a FATAL error when the stream allows, then close. */
    public interface Terminator {
        void terminate(dev.portcullis.pgwire.SqlState state, String message);
    }

    ClientConnection(Channel client, String service) {
        this.client = client;
        this.service = service;
        this.clientAddress = client.remoteAddress();
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

    /** The client's address, as limits, logs and the audit trail name it (not the balancer's). */
    public java.net.SocketAddress clientAddress() {
        return clientAddress;
    }

    void clientAddress(java.net.SocketAddress address) {
        this.clientAddress = address;
    }

    public boolean tls() {
        return tls;
    }

    void tls(boolean tls) {
        this.tls = tls;
    }

    boolean isDirectTls() {
        return directTls;
    }

    void directTls() {
        this.tls = true;
        this.directTls = true;
    }

    public StartupMessage startup() {
        return startup;
    }

    void startup(StartupMessage startup) {
        this.startup = startup;
    }

    public java.util.Map<String, String> settings() {
        return settings;
    }

    void settings(java.util.Map<String, String> settings) {
        // in the client's order, so that a refusal names the first setting that may not pass
        this.settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
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

    /** The connect request as authorized (token included): kept to re-check the session. Never logged. */
    public AuthorizeRequest connectRequest() {
        return connectRequest;
    }

    void connectRequest(AuthorizeRequest request) {
        this.connectRequest = request;
    }

    public void terminator(Terminator t) {
        this.terminator = t;
    }

    /** Closes the live session with a FATAL message (or just closes, before it relays). */
    public void terminate(dev.portcullis.pgwire.SqlState state, String message) {
        endReason(message);
        Terminator t = terminator;
        if (t != null) {
            t.terminate(state, message);
        } else {
            client.eventLoop().execute(() -> Refusals.fatal(client, state, message, null));
        }
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
        return "connection " + id + " (service " + service + ", user " + user + ", from " + clientAddress + ")";
    }
}
