package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** How a newly accepted client connection starts, and how live ones end at shutdown. */
public final class ClientChannels {
    private ClientChannels() {
    }

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

    /** Node shutdown: every live session gets FATAL 57P01, as a PostgreSQL server would send. */
    public static void shutdownAll(ConnectionContext context) {
        for (ClientConnection c : context.sessions().all()) {
            c.terminate(SqlState.ADMIN_SHUTDOWN, "terminating connection because the Portcullis proxy node is shutting down",
                    "reconnect: the load balancer sends you to another node");
        }
    }
}
