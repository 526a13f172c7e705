package dev.portcullis.proxy.session;

import dev.portcullis.proxy.audit.AuditSink;
import dev.portcullis.proxy.auth.client.AuthFailureLimiter;
import dev.portcullis.proxy.auth.upstream.UpstreamConnector;
import dev.portcullis.proxy.cancel.CancelForwarder;
import dev.portcullis.proxy.cancel.CancelKeys;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.policy.PolicyClient;
import dev.portcullis.proxy.state.ProxyState;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;

/** The node-wide collaborators every connection's handlers need, passed as one value. */
public record ConnectionContext(
        ProxyConfig config,
        ProxyState state,
        PolicyClient policy,
        UpstreamConnector upstream,
        CancelKeys cancelKeys,
        CancelForwarder cancels,
        SslContext serverTls,
        SessionRegistry sessions,
        MeterRegistry metrics,
        AuditSink audit,
        dev.portcullis.proxy.relay.RelayMetrics relayMetrics,
        AuthFailureLimiter authFailures,
        dev.portcullis.proxy.config.TrustedProxies trustedProxies) {

    /** With the failed-token limit ({@code portcullis.auth.*}) and trusted proxies ({@code portcullis.listen.*}) of the configuration. */
    public ConnectionContext(
            ProxyConfig config,
            ProxyState state,
            PolicyClient policy,
            UpstreamConnector upstream,
            CancelKeys cancelKeys,
            CancelForwarder cancels,
            SslContext serverTls,
            SessionRegistry sessions,
            MeterRegistry metrics,
            AuditSink audit,
            dev.portcullis.proxy.relay.RelayMetrics relayMetrics) {
        this(
                config,
                state,
                policy,
                upstream,
                cancelKeys,
                cancels,
                serverTls,
                sessions,
                metrics,
                audit,
                relayMetrics,
                new AuthFailureLimiter(config.auth(), metrics),
                dev.portcullis.proxy.config.TrustedProxies.parse(
                        config.listen().trustedProxies().orElse(java.util.List.of())));
    }
}
