package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.proxy.config.ProxyConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens and logs in an upstream connection on the client's own event loop, so that the relay
 * never crosses threads. The whole attempt (TCP, TLS, login) is bounded by one timeout.
 */
@ApplicationScoped
public class UpstreamConnector {
    private final ProxyConfig config;
    /**
     * SCRAM proofs (PBKDF2) off the event loops: as many threads as cores, so that a burst of
     * logins to a cold cache uses the machine without stalling the sessions that relay.
     */
    private final ExecutorService crypto;

    public UpstreamConnector(ProxyConfig config) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.crypto =
                Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                    Thread t = new Thread(r, "portcullis-scram-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @PreDestroy
    void stop() {
        crypto.shutdownNow();
    }

    /** @param connected runs once TCP is up, when the login (TLS, authentication) begins */
    public Future<UpstreamLink> connect(EventLoop loop, UpstreamTarget target, Runnable connected) {
        Promise<UpstreamLink> result = loop.newPromise();
        long timeoutMillis = config.timeouts().upstreamConnect().toMillis();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(dev.portcullis.proxy.net.Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.AUTO_READ, true)
                .handler(
                        new UpstreamLoginHandler(target, result, config.limits().maxScramIterations(), crypto));
        var connecting = b.connect(target.host(), target.port());
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                connected.run();
            } else {
                result.tryFailure(new UpstreamLoginException("cannot reach the upstream at " + target.host() + ":"
                        + target.port() + ": " + UpstreamLoginHandler.rootMessage(f.cause())));
            }
        });
        var timeout = loop.schedule(
                () -> {
                    if (result.tryFailure(new UpstreamLoginException("the upstream did not complete the login within "
                            + config.timeouts().upstreamConnect().toSeconds() + " s"))) {
                        connecting.channel().close();
                    }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
        result.addListener(f -> timeout.cancel(false));
        return result;
    }
}
