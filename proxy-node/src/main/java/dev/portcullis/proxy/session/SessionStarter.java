package dev.portcullis.proxy.session;

import dev.portcullis.api.model.AuthorizationMode;
import dev.portcullis.api.model.SslMode;
import dev.portcullis.api.model.Ttl;
import dev.portcullis.api.model.UpstreamAuthMethod;
import dev.portcullis.api.v1.PostgresConfig;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.ServiceConfig;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.auth.ChannelBindingMode;
import dev.portcullis.pgwire.message.backend.AuthenticationOk;
import dev.portcullis.pgwire.message.backend.BackendKeyData;
import dev.portcullis.pgwire.message.backend.ParameterStatus;
import dev.portcullis.pgwire.message.backend.ReadyForQuery;
import dev.portcullis.proxy.audit.SessionEvents;
import dev.portcullis.proxy.auth.upstream.UpstreamAuthMethods;
import dev.portcullis.proxy.auth.upstream.UpstreamLink;
import dev.portcullis.proxy.auth.upstream.UpstreamTarget;
import dev.portcullis.proxy.cancel.CancelKeys;
import dev.portcullis.proxy.relay.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * After a positive decision: resolve the upstream for the chosen config, log in with the
 * Secret's password, then give the client AuthenticationOk, the upstream's ParameterStatus
 * values, a proxy-minted BackendKeyData and ReadyForQuery, and start relaying.
 */
final class SessionStarter {
    private static final Logger LOG = Logger.getLogger(SessionStarter.class);

    private final ConnectionContext context;
    private final ClientConnection connection;

    SessionStarter(ConnectionContext context, ClientConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    void start(ChannelHandlerContext ctx) {
        UpstreamTarget target;
        try {
            target = resolve(connection.authorization().getConfigName());
        } catch (IllegalStateException | IllegalArgumentException e) {
            // a config the API would refuse today (written before a check existed) fails closed
            refuse(ctx, e.getMessage());
            return;
        } catch (StartupParameters.Refused e) {
            LOG.warnf("%s: %s", connection.describe(), e.getMessage());
            context.audit().publish(SessionEvents.refused(connection, "STARTUP_PARAMETER_REFUSED", e.getMessage()));
            Refusals.count(context.metrics(), e.sqlState(), "startup_parameter");
            Refusals.fatal(ctx.channel(), e.sqlState(), e.getMessage(), e.hint());
            return;
        }
        connection.target(target);
        String user = connection.authorization().getUserRef().getName();
        int limit = limits().maxConnectionsPerUser();
        if (!context.sessions().tryReserve(connection.service(), user, limit)) {
            String message = "User " + user + " already has " + limit + " connections to Service " + connection.service()
                    + " through this proxy node, the limit";
            context.audit().publish(SessionEvents.refused(connection, "TOO_MANY_CONNECTIONS", message));
            Refusals.count(context.metrics(), SqlState.TOO_MANY_CONNECTIONS, "connection_limit");
            Refusals.fatal(ctx.channel(), SqlState.TOO_MANY_CONNECTIONS, message, "close a connection and try again");
            return;
        }
        ctx.channel().closeFuture().addListener(closed -> context.sessions().release(connection.service(), user));
        long began = System.nanoTime();
        context.upstream().connect(ctx.channel().eventLoop(), target).addListener(f -> {
            if (!f.isSuccess()) {
                refuse(ctx, "cannot connect to the upstream of Service " + connection.service() + ": "
                        + f.cause().getMessage());
                return;
            }
            UpstreamLink link = (UpstreamLink) f.getNow();
            context.metrics().timer("portcullis.proxy.upstream.connect").record(System.nanoTime() - began,
                    java.util.concurrent.TimeUnit.NANOSECONDS);
            if (!ctx.channel().isActive()) {
                link.channel().close();
                return;
            }
            established(ctx, link);
        });
    }

    private void established(ChannelHandlerContext ctx, UpstreamLink link) {
        connection.upstream(link);
        CancelKeys.Key key = context.cancelKeys().mint(new CancelKeys.Target(connection.target().host(),
                connection.target().port(), link.processId(), link.secretKey()));
        connection.cancelKey(key);
        ByteBuf hello = ctx.alloc().buffer(256);
        AuthenticationOk.INSTANCE.encode(hello);
        for (Map.Entry<String, String> p : link.parameters()) {
            new ParameterStatus(p.getKey(), p.getValue()).encode(hello);
        }
        new BackendKeyData(key.processId(), ByteBuffer.allocate(4).putInt(key.secretKey()).array()).encode(hello);
        new ReadyForQuery(link.status()).encode(hello);
        Relay.install(ctx, context, connection, limits());
        context.audit().publish(SessionEvents.started(connection));
        ctx.writeAndFlush(hello);
        context.metrics().counter("portcullis.proxy.upstream.logins", "mechanism", link.authMethod()).increment();
        LOG.infof("%s: relaying to %s (upstream %s, %s)", connection.describe(), connection.target().describe(),
                link.tls() ? "TLS" : "plaintext", link.authMethod());
    }

    /** The Service's session limits, with the node's defaults for what it leaves empty. */
    private SessionLimits limits() {
        var defaults = context.config().sessions();
        var spec = context.state().service(connection.service()).map(s -> s.getSpec().getSessionLimits())
                .orElse(dev.portcullis.api.v1.SessionLimits.getDefaultInstance());
        return new SessionLimits(
                spec.getIdleTimeout().isEmpty() ? defaults.idleTimeout() : Ttl.parse(spec.getIdleTimeout()),
                spec.getMaxLifetime().isEmpty() ? defaults.maxLifetime() : Ttl.parse(spec.getMaxLifetime()),
                spec.getMaxConnectionsPerUser() == 0 ? defaults.maxConnectionsPerUser() : spec.getMaxConnectionsPerUser());
    }

    private UpstreamTarget resolve(String configName) {
        Service svc = context.state().service(connection.service())
                .orElseThrow(() -> new IllegalStateException("Service " + connection.service() + " no longer exists"));
        ServiceConfig config = configName.isEmpty() ? svc.getSpec().getConfig()
                : svc.getSpec().getDynamicConfig().getConfigsList().stream()
                        .filter(c -> c.getName().equals(configName)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("Service " + connection.service()
                                + " has no config named " + configName));
        URI url = URI.create(config.getUpstream().getUrl());
        PostgresConfig pg = config.getPostgres();
        String passwordSecret = pg.getAuth().getPassword().getFromSecret();
        char[] password = passwordSecret.isEmpty() ? new char[0] : secret(passwordSecret).toCharArray();
        String ca = pg.getCaFromSecret().isEmpty() ? "" : secret(pg.getCaFromSecret());
        return new UpstreamTarget(connection.service(), configName, url.getHost(), url.getPort() > 0 ? url.getPort() : 5432,
                pg.getUser(), pg.getDatabase(), password, SslMode.parse(pg.getSslMode()),
                ChannelBindingMode.valueOf(
                        dev.portcullis.api.model.ChannelBindingMode.parse(pg.getChannelBinding()).name()),
                UpstreamAuthMethods.of(UpstreamAuthMethod.parse(pg.getRequireAuthList())),
                ca,
                StartupParameters.upstream(connection.settings(), pg.getUser(), pg.getDatabase(),
                        pg.getAllowedParametersList()),
                AuthorizationMode.parse(pg.getAuthorization().getMode()) == AuthorizationMode.ALL);
    }

    private String secret(String name) {
        Optional<String> value = context.state().secretValue(name);
        return value.orElseThrow(() -> new IllegalStateException("Secret " + name + " of Service " + connection.service()
                + " is not available on this proxy node"));
    }

    private void refuse(ChannelHandlerContext ctx, String message) {
        LOG.warnf("%s: %s", connection.describe(), message);
        context.audit().publish(SessionEvents.refused(connection, "UPSTREAM_UNAVAILABLE", message));
        Refusals.count(context.metrics(), SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, "upstream_unavailable");
        Refusals.fatal(ctx.channel(), SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, message, null);
    }
}
