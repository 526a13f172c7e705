package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.proxy.session.ClientConnection;
import dev.portcullis.proxy.session.ConnectionContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Switches a connection from setup to relaying: frames from the client go upstream, bytes from
 * the upstream go to the client, both on the client's event loop; closing either side closes
 * the other, and the session's end is recorded once.
 */
public final class Relay {
    private static final Logger LOG = Logger.getLogger(Relay.class);

    private Relay() {
    }

    public static void install(ChannelHandlerContext handshake, ConnectionContext context, ClientConnection connection) {
        Channel client = handshake.channel();
        Channel upstream = connection.upstream().channel();
        var limits = context.config().limits();
        RelayCounters counters = new RelayCounters();
        FrontendFrames frames = new FrontendFrames(new FrameLimits(limits.messageBytes(), limits.streamThresholdBytes()));

        client.pipeline().addLast("frames", frames);
        client.pipeline().addLast("to-upstream", new ClientToUpstream(connection, upstream, frames, counters));
        upstream.pipeline().addLast("to-client", new UpstreamToClient(connection, client, counters));
        client.pipeline().remove(handshake.handler());

        context.sessions().register(connection);
        context.metrics().counter("portcullis.proxy.sessions.total").increment();
        client.closeFuture().addListener(f -> {
            upstream.close();
            context.cancelKeys().release(connection.cancelKey());
            context.sessions().unregister(connection);
            LOG.infof("%s: ended after %d ms; %d bytes / %d messages from the client, %d bytes to it",
                    connection.describe(), Duration.between(connection.startedAt(), Instant.now()).toMillis(),
                    counters.bytesFromClient(), counters.messagesFromClient(), counters.bytesToClient());
        });
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
    }
}
