package dev.portcullis.proxy.server;

import dev.portcullis.api.Kind;
import dev.portcullis.api.replica.ResourceReplica;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.proxy.audit.KafkaAuditSink;
import dev.portcullis.proxy.auth.upstream.UpstreamConnector;
import dev.portcullis.proxy.cancel.CancelForwarder;
import dev.portcullis.proxy.cancel.CancelKeys;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.net.Transport;
import dev.portcullis.proxy.policy.PolicyClient;
import dev.portcullis.proxy.session.ClientChannels;
import dev.portcullis.proxy.session.ConnectionContext;
import dev.portcullis.proxy.session.SessionRegistry;
import dev.portcullis.proxy.state.ProxyState;
import dev.portcullis.proxy.tls.ServerTls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The node's Netty server: one listener per Service port (spec.port + the node's offset),
 * opened, re-bound and closed as Services are created, changed and deleted. Its lifecycle
 * follows the application's: started after startup, drained at shutdown.
 */
@ApplicationScoped
public class ProxyServer implements ResourceReplica.Listener {
    private static final Logger LOG = Logger.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final ProxyState state;
    private final ConnectionContext context;
    private final Map<Integer, Listener> listeners = new ConcurrentHashMap<>();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel cancelChannel;
    /** Binds block briefly: done here, never on a gRPC or Netty event loop. */
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(r -> new Thread(r, "proxy-listeners"));

    private record Listener(String service, Channel channel) {}

    public ProxyServer(
            ProxyConfig config,
            ProxyState state,
            PolicyClient policy,
            UpstreamConnector upstream,
            CancelKeys cancelKeys,
            CancelForwarder cancels,
            ServerTls tls,
            SessionRegistry sessions,
            MeterRegistry metrics,
            KafkaAuditSink audit) {
        this.config = config;
        this.state = state;
        this.context = new ConnectionContext(
                config,
                state,
                policy,
                upstream,
                cancelKeys,
                cancels,
                tls.context(),
                sessions,
                metrics,
                audit,
                new dev.portcullis.proxy.relay.RelayMetrics(metrics));
        Gauge.builder("portcullis.proxy.sessions.active", sessions, SessionRegistry::size)
                .register(metrics);
    }

    void start(@Observes StartupEvent event) {
        boss = Transport.group(1);
        workers = Transport.group(Math.max(1, Runtime.getRuntime().availableProcessors()));
        LOG.infof("socket transport: %s", Transport.name());
        LOG.infof(
                "PROXY protocol headers believed from: %s (portcullis.listen.trusted-proxies)",
                context.trustedProxies());
        state.replica().addListener(this);
        reconciler.execute(this::reconcile);
        int cancelPort = config.cancel().port();
        if (cancelPort > 0) {
            cancelChannel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(Transport.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(CancelListener.initializer(context.cancels()))
                    .bind(config.listen().host(), cancelPort)
                    .syncUninterruptibly()
                    .channel();
            LOG.infof(
                    "cancel port %d open for peer nodes (this is node %d)",
                    cancelPort, config.cancel().nodeId());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        reconciler.shutdownNow();
        listeners.values().forEach(l -> l.channel().close().syncUninterruptibly());
        listeners.clear();
        // the cancel port stays open meanwhile: a client may cancel what keeps its session busy
        ClientChannels.drain(context, config.sessions().drainTimeout());
        if (cancelChannel != null) {
            cancelChannel.close();
        }
        if (workers != null) {
            workers.shutdownGracefully().syncUninterruptibly();
            boss.shutdownGracefully().syncUninterruptibly();
        }
    }

    /** The local port a Service is served on by this node. */
    public int localPort(int servicePort) {
        return servicePort + config.listen().portOffset();
    }

    public boolean listening(String service) {
        return listeners.values().stream().anyMatch(l -> l.service().equals(service));
    }

    @Override
    public void changed(WatchEvent.Type type, Resource resource) {
        if (resource.hasService()) {
            reconciler.execute(this::reconcile);
        }
    }

    @Override
    public void resynced(ResourceReplica replica) {
        reconciler.execute(this::reconcile);
    }

    private synchronized void reconcile() {
        if (workers == null) {
            return;
        }
        Map<Integer, String> wanted = new HashMap<>();
        for (Resource r : state.replica().all(Kind.SERVICE)) {
            wanted.put(
                    localPort(r.getService().getSpec().getPort()),
                    r.getService().getMetadata().getName());
        }
        listeners.entrySet().removeIf(e -> {
            if (!e.getValue().service().equals(wanted.get(e.getKey()))) {
                LOG.infof(
                        "closing listener on port %d (Service %s)",
                        e.getKey(), e.getValue().service());
                e.getValue().channel().close();
                return true;
            }
            return false;
        });
        wanted.forEach((port, service) -> {
            if (!listeners.containsKey(port)) {
                open(port, service);
            }
        });
    }

    private void open(int port, String service) {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(ClientChannels.initializer(context, service));
        try {
            Channel ch =
                    b.bind(config.listen().host(), port).syncUninterruptibly().channel();
            listeners.put(port, new Listener(service, ch));
            LOG.infof("listening on %s:%d for Service %s", config.listen().host(), port, service);
        } catch (RuntimeException e) {
            LOG.errorf("cannot listen on port %d for Service %s: %s", port, service, e.getMessage());
        }
    }
}
