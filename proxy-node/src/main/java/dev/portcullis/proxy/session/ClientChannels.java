package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;

/** How a newly accepted client connection starts, and how live ones end at shutdown. */
public final class ClientChannels {
    private static final Logger LOG = Logger.getLogger(ClientChannels.class);

    private ClientChannels() {}

    public static ChannelInitializer<SocketChannel> initializer(ConnectionContext context, String service) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ClientConnection connection = new ClientConnection(ch, service);
                boolean trusted = context.trustedProxies().trusts(ch.remoteAddress());
                ch.pipeline().addLast("proxy-header", new ProxyHeaderHandler(context, connection, trusted));
                ch.pipeline().addLast("direct-tls", new DirectTlsDetector(context, connection));
                ch.pipeline().addLast("handshake", new ClientHandshakeHandler(context, connection));
            }
        };
    }

    private static final String SHUTTING_DOWN =
            "terminating connection because the Portcullis proxy node is shutting down";
    private static final String RECONNECT = "reconnect: the load balancer sends you to another node";

    /**
     * Node shutdown, after the listeners closed: each live session ends (FATAL 57P01, as a PostgreSQL
     * server would send) as soon as no statement of it runs; those still busy after {@code timeout}
     * end at their next message boundary. Returns once no session is left, or a moment after that.
     */
    public static void drain(ConnectionContext context, Duration timeout) {
        Collection<ClientConnection> live = List.copyOf(context.sessions().all());
        if (live.isEmpty()) {
            return;
        }
        LOG.infof("draining %d sessions: each ends once idle, within %s", live.size(), timeout);
        live.forEach(c -> c.terminateWhenIdle(SqlState.ADMIN_SHUTDOWN, SHUTTING_DOWN, RECONNECT));
        if (!context.sessions().awaitEmpty(timeout)) {
            LOG.infof(
                    "%d sessions still busy after %s: ending them now",
                    context.sessions().size(), timeout);
            for (ClientConnection c : context.sessions().all()) {
                c.terminate(SqlState.ADMIN_SHUTDOWN, SHUTTING_DOWN, RECONNECT);
            }
            // the FATALs are written on the event loops: give them a moment before those stop
            context.sessions().awaitEmpty(Duration.ofSeconds(1));
        }
    }
}
