package dev.portcullis.proxy.cancel;

import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.limits.SourceRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A client's CancelRequest, whichever node it reaches: a key minted here becomes a
 * CancelRequest to the upstream with the upstream's own key; a key of another node goes, as is,
 * to that node's cancel port. Like PostgreSQL, the client gets no answer either way, and an
 * unknown key is dropped silently. Attempts are rate-limited per source; keys are never logged.
 */
@ApplicationScoped
public class CancelForwarder {
    private static final Logger LOG = Logger.getLogger(CancelForwarder.class);
    private final CancelKeys keys;
    private final Map<Integer, InetSocketAddress> peers = new HashMap<>();
    private final SourceRateLimiter limiter;
    private final MeterRegistry metrics;

    public CancelForwarder(CancelKeys keys, ProxyConfig config, MeterRegistry metrics) {
        this.keys = keys;
        this.metrics = metrics;
        this.limiter = new SourceRateLimiter(config.cancel().perSourceRate());
        for (String peer : config.cancel().peers().orElse(java.util.List.of())) {
            String[] idAndAddress = peer.trim().split("=", 2);
            String[] hostPort = idAndAddress.length == 2 ? idAndAddress[1].split(":", 2) : new String[0];
            if (hostPort.length != 2) {
                throw new IllegalStateException("portcullis.cancel.peers: \"" + peer + "\" is not id=host:port");
            }
            peers.put(Integer.parseInt(idAndAddress[0].trim()),
                    InetSocketAddress.createUnresolved(hostPort[0].trim(), Integer.parseInt(hostPort[1].trim())));
        }
    }

    /** A CancelRequest from a client (any listener) or from a peer node (the cancel port). */
    public void forward(CancelRequest request, Channel from) {
        from.close();
        if (from.remoteAddress() instanceof InetSocketAddress source && !limiter.tryAcquire(source.getAddress())) {
            metrics.counter("portcullis.proxy.cancels", "outcome", "rate_limited").increment();
            LOG.infof("cancel requests from %s are over the rate limit: dropped", source.getAddress().getHostAddress());
            return;
        }
        byte[] secret = request.secretKey();
        if (secret.length != 4) {
            outcome("unknown");
            return;
        }
        int owner = CancelKeys.nodeOf(request.processId());
        if (owner != keys.nodeId()) {
            InetSocketAddress peer = peers.get(owner);
            if (peer == null) {
                outcome("unknown");
                return;
            }
            outcome("to_peer");
            send(from, peer.getHostString(), peer.getPort(), request);
            return;
        }
        Optional<CancelKeys.Target> target = keys.lookup(request.processId(), ByteBuffer.wrap(secret).getInt());
        if (target.isEmpty()) {
            outcome("unknown");
            return;
        }
        CancelKeys.Target t = target.get();
        outcome("to_upstream");
        send(from, t.host(), t.port(),
                new CancelRequest(t.processId(), ByteBuffer.allocate(4).putInt(t.secretKey()).array()));
    }

    private void outcome(String outcome) {
        metrics.counter("portcullis.proxy.cancels", "outcome", outcome).increment();
    }

    private static void send(Channel from, String host, int port, CancelRequest request) {
        new Bootstrap().group(from.eventLoop()).channel(dev.portcullis.proxy.server.Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(host, port)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.warnf("cannot forward a cancel request to %s:%d: %s", host, port, f.cause().toString());
                        return;
                    }
                    f.channel().writeAndFlush(request.encode(f.channel().alloc())).addListener(ChannelFutureListener.CLOSE);
                });
    }
}
