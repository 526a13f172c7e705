package dev.portcullis.proxy.session;

import dev.portcullis.api.model.AuthorizationMode;
import dev.portcullis.api.model.SpoolFullPolicy;
import dev.portcullis.api.model.SslMode;
import dev.portcullis.api.model.Ttl;
import dev.portcullis.api.model.UpstreamAuthMethod;
import dev.portcullis.api.v1.PostgresConfig;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.ServiceConfig;
import dev.portcullis.pgwire.auth.ChannelBindingMode;
import dev.portcullis.proxy.auth.upstream.UpstreamAuthMethods;
import dev.portcullis.proxy.auth.upstream.UpstreamTarget;
import dev.portcullis.proxy.config.ProxyConfig;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything a session runs under, resolved from its Service once, at the connect decision, and
 * kept to its end: an edit of the Service afterwards reaches new sessions only, never half of a
 * live one.
 *
 * @param target where and how to log in upstream (the config the decision chose, its Secrets, the startup settings)
 * @param limits the Service's session limits, with the node's defaults for what it leaves empty
 * @param perMessage {@code authorization.mode: ALL}: every statement is decided by policy too
 * @param redactLiterals the Service's {@code audit.redactLiterals}
 * @param onSpoolFull what the Service wants when its events cannot be kept
 */
public record SessionPlan(
        UpstreamTarget target,
        SessionLimits limits,
        boolean perMessage,
        boolean redactLiterals,
        SpoolFullPolicy onSpoolFull) {

    /**
     * The plan for {@code configName} ("" for the Service's own config) of Service {@code name}.
     *
     * @throws IllegalStateException the config or a Secret it names is not there (fails closed)
     * @throws IllegalArgumentException a value the API would refuse today (written before a check existed)
     * @throws StartupParameters.Refused a setting the client asked for may not pass to this config
     */
    static SessionPlan resolve(
            String name,
            Service service,
            String configName,
            Map<String, String> settings,
            ProxyConfig.Sessions defaults,
            Function<String, Optional<String>> secrets) {
        ServiceConfig config = configName.isEmpty()
                ? service.getSpec().getConfig()
                : service.getSpec().getDynamicConfig().getConfigsList().stream()
                        .filter(c -> c.getName().equals(configName))
                        .findFirst()
                        .orElseThrow(() ->
                                new IllegalStateException("Service " + name + " has no config named " + configName));
        URI url = URI.create(config.getUpstream().getUrl());
        PostgresConfig pg = config.getPostgres();
        Function<String, String> secret = s -> secrets.apply(s)
                .orElseThrow(() -> new IllegalStateException(
                        "Secret " + s + " of Service " + name + " is not available on this proxy node"));
        String passwordSecret = pg.getAuth().getPassword().getFromSecret();
        char[] password = passwordSecret.isEmpty()
                ? new char[0]
                : secret.apply(passwordSecret).toCharArray();
        String ca = pg.getCaFromSecret().isEmpty() ? "" : secret.apply(pg.getCaFromSecret());
        UpstreamTarget target = new UpstreamTarget(
                name,
                configName,
                url.getHost(),
                url.getPort() > 0 ? url.getPort() : 5432,
                pg.getUser(),
                pg.getDatabase(),
                password,
                SslMode.parse(pg.getSslMode()),
                ChannelBindingMode.valueOf(dev.portcullis.api.model.ChannelBindingMode.parse(pg.getChannelBinding())
                        .name()),
                UpstreamAuthMethods.of(UpstreamAuthMethod.parse(pg.getRequireAuthList())),
                ca,
                StartupParameters.upstream(settings, pg.getUser(), pg.getDatabase(), pg.getAllowedParametersList()));
        var spec = service.getSpec().getSessionLimits();
        SessionLimits limits = new SessionLimits(
                spec.getIdleTimeout().isEmpty() ? defaults.idleTimeout() : Ttl.parse(spec.getIdleTimeout()),
                spec.getMaxLifetime().isEmpty() ? defaults.maxLifetime() : Ttl.parse(spec.getMaxLifetime()),
                spec.getMaxConnectionsPerUser() == 0
                        ? defaults.maxConnectionsPerUser()
                        : spec.getMaxConnectionsPerUser());
        return new SessionPlan(
                target,
                limits,
                AuthorizationMode.parse(pg.getAuthorization().getMode()) == AuthorizationMode.ALL,
                service.getSpec().getAudit().getRedactLiterals(),
                SpoolFullPolicy.parse(service.getSpec().getAudit().getOnSpoolFull()));
    }
}
