package dev.portcullis.proxy.cancel;

import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.proxy.auth.upstream.UpstreamCancel;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.limits.SourceRateLimiter;
import dev.portcullis.proxy.limits.ThrottledLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A client's CancelRequest, whichever node it reaches: a key minted here becomes a
 * CancelRequest to the upstream with the upstream's own key; a key of another node goes, as is,
 * to that node's cancel port. Like PostgreSQL, the client gets no answer either way, and an
 * unknown key is dropped silently. Attempts are rate-limited per source; keys are never logged.
 *
 * <p>On the cancel port, a configured peer is not rate-limited again: it forwards the cancels
 * of all its clients, each already limited per source where it arrived, and one bucket for the
 * peer's address would let one busy client (or the balancer's address) starve everyone else's
 * cancels. Any other sender on the cancel port is limited like a client. A cancel port only
 * serves this node's own keys: nothing arriving there is forwarded again.
 */
@ApplicationScoped
public class CancelForwarder {
    private static final Logger LOG = Logger.getLogger(CancelForwarder.class);
    private final CancelKeys keys;
    private final Map<Integer, InetSocketAddress> peers = new HashMap<>();
    private final SourceRateLimiter limiter;
    private final MeterRegistry metrics;
    /** One line per interval: a cancel flood must not become a log flood (the metric counts each drop). */
    private final ThrottledLog rateLimitedLog = new ThrottledLog(Duration.ofSeconds(10));

    @Inject
    public CancelForwarder(CancelKeys keys, ProxyConfig config, MeterRegistry metrics) {
        this(keys, config.cancel().perSourceRate(), config.cancel().peers().orElse(java.util.List.of()), metrics);
    }

    CancelForwarder(CancelKeys keys, int perSourceRate, java.util.List<String> peerList, MeterRegistry metrics) {
        this.keys = keys;
        this.metrics = metrics;
        this.limiter = new SourceRateLimiter(perSourceRate);
        for (String peer : peerList) {
            String[] idAndAddress = peer.trim().split("=", 2);
            String[] hostPort = idAndAddress.length == 2 ? idAndAddress[1].split(":", 2) : new String[0];
            if (hostPort.length != 2) {
                throw new IllegalStateException("portcullis.cancel.peers: \"" + peer + "\" is not id=host:port");
            }
            peers.put(
                    Integer.parseInt(idAndAddress[0].trim()),
                    InetSocketAddress.createUnresolved(hostPort[0].trim(), Integer.parseInt(hostPort[1].trim())));
        }
    }

    /**
     * A CancelRequest from a client, on any Service listener; {@code client} is who sent it (behind
     * a trusted balancer, the address its PROXY header named), whose rate limit it counts against.
     */
    public void forward(CancelRequest request, Channel from, java.net.SocketAddress client) {
        from.close();
        if (overLimit(client)) {
            return;
        }
        route(request, from, true);
    }

    /** A CancelRequest on this node's cancel port: from a peer node, or from anyone who can reach it. */
    public void fromCancelPort(CancelRequest request, Channel from) {
        from.close();
        if (!(from.remoteAddress() instanceof InetSocketAddress source && isPeer(source.getAddress()))
                && overLimit(from.remoteAddress())) {
            return;
        }
        route(request, from, false);
    }

    private boolean overLimit(java.net.SocketAddress client) {
        if (client instanceof InetSocketAddress source && !limiter.tryAcquire(source.getAddress())) {
            metrics.counter("portcullis.proxy.cancels", "outcome", "rate_limited")
                    .increment();
            long dropped = rateLimitedLog.occurred();
            if (dropped > 0) {
                LOG.infof(
                        "cancel requests over the per-source rate limit: %d dropped since the last report, the last from %s",
                        dropped, source.getAddress().getHostAddress());
            }
            return true;
        }
        return false;
    }

    /** Whether an address is one of the configured peers' (names resolved through the JVM's DNS cache). */
    private boolean isPeer(InetAddress address) {
        for (InetSocketAddress peer : peers.values()) {
            try {
                for (InetAddress a : InetAddress.getAllByName(peer.getHostString())) {
                    if (a.equals(address)) {
                        return true;
                    }
                }
            } catch (UnknownHostException e) {
                // a peer that does not resolve now is not this sender
            }
        }
        return false;
    }

    private void route(CancelRequest request, Channel from, boolean mayForward) {
        byte[] secret = request.secretKey();
        if (secret.length != 4) {
            outcome("unknown");
            return;
        }
        int owner = CancelKeys.nodeOf(request.processId());
        if (owner != keys.nodeId()) {
            if (!mayForward) {
                outcome("unknown");
                return;
            }
            InetSocketAddress peer = peers.get(owner);
            if (peer == null) {
                outcome("unknown");
                return;
            }
            outcome("to_peer");
            send(from.eventLoop(), peer, request);
            return;
        }
        Optional<UpstreamCancel> target =
                keys.lookup(request.processId(), ByteBuffer.wrap(secret).getInt());
        if (target.isEmpty()) {
            outcome("unknown");
            return;
        }
        outcome("to_upstream");
        target.get().send(from.eventLoop());
    }

    /**
     * Cancels what a session is running upstream because its client is gone mid-query: the server
     * would otherwise run the statement to its end for no one (PostgreSQL notices a closed client
     * only when it next writes to it).
     */
    public void clientGone(UpstreamCancel target, EventLoop loop) {
        outcome("client_gone");
        target.send(loop);
    }

    private void outcome(String outcome) {
        metrics.counter("portcullis.proxy.cancels", "outcome", outcome).increment();
    }

    /** To a peer node's cancel port (in clear: peers share the node's network, as PgBouncer peers do). */
    private static void send(EventLoop loop, java.net.SocketAddress to, CancelRequest request) {
        new Bootstrap()
                .group(loop)
                .channel(dev.portcullis.proxy.net.Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(to)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.warnf(
                                "cannot forward a cancel request to %s: %s",
                                to, f.cause().toString());
                        return;
                    }
                    f.channel()
                            .writeAndFlush(request.encode(f.channel().alloc()))
                            .addListener(ChannelFutureListener.CLOSE);
                });
    }
}
