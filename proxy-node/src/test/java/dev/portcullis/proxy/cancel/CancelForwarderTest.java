package dev.portcullis.proxy.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.message.frontend.CancelRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cancel rate limits: a client source has its bucket on every listener, while a peer node's
 * forwards on the cancel port do not share one bucket (they were limited per client where they
 * arrived). Unknown keys are used throughout, so nothing is sent anywhere.
 */
class CancelForwarderTest {
    private static final int THIS_NODE = 1;
    private static final int PEER_NODE = 2;

    private final MeterRegistry metrics = new SimpleMeterRegistry();
    private final CancelForwarder forwarder = new CancelForwarder(
            new CancelKeys(THIS_NODE), 2, List.of(PEER_NODE + "=127.0.0.1:9"), metrics); // 2 a second, bursts of 4

    @Test
    void aPeersForwardsAreNotLimitedAsOneSource() {
        for (int i = 0; i < 50; i++) {
            forwarder.fromCancelPort(unknownKeyOf(THIS_NODE), from("127.0.0.1"));
        }
        assertEquals(0, count("rate_limited"), "50 forwarded cancels from the peer, none dropped");
        assertEquals(50, count("unknown"));
    }

    @Test
    void anyoneElseOnTheCancelPortIsLimitedPerSource() {
        for (int i = 0; i < 50; i++) {
            forwarder.fromCancelPort(unknownKeyOf(THIS_NODE), from("192.0.2.7"));
        }
        assertTrue(
                count("rate_limited") >= 40, "a stranger guessing keys on the cancel port: " + count("rate_limited"));
    }

    @Test
    void clientsAreLimitedPerSourceEvenFromAPeersAddress() {
        // the exemption is the cancel port's: on a Service listener the same address is a client
        for (int i = 0; i < 50; i++) {
            EmbeddedChannel client = from("127.0.0.1");
            forwarder.forward(unknownKeyOf(THIS_NODE), client, client.remoteAddress());
        }
        assertTrue(count("rate_limited") >= 40, "rate limited: " + count("rate_limited"));
    }

    @Test
    void behindATrustedBalancerEachClientHasItsOwnLimit() {
        // every connection comes from the balancer; its PROXY header names the client each counts against
        for (int i = 0; i < 50; i++) {
            forwarder.forward(
                    unknownKeyOf(THIS_NODE), from("127.0.0.3"), new InetSocketAddress("198.51.100." + i, 5000));
        }
        assertEquals(0, count("rate_limited"), "50 clients, one cancel each");
        for (int i = 0; i < 50; i++) {
            forwarder.forward(
                    unknownKeyOf(THIS_NODE), from("127.0.0.3"), new InetSocketAddress("198.51.100.200", 5000));
        }
        assertTrue(count("rate_limited") >= 40, "one client sending 50: " + count("rate_limited"));
    }

    @Test
    void theCancelPortNeverForwardsAgain() {
        forwarder.fromCancelPort(unknownKeyOf(PEER_NODE), from("127.0.0.1"));
        assertEquals(0, count("to_peer"), "a key of another node that reached this cancel port is dropped");
        assertEquals(1, count("unknown"));
    }

    private double count(String outcome) {
        var c = metrics.find("portcullis.proxy.cancels").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private static CancelRequest unknownKeyOf(int node) {
        return new CancelRequest((node << 24) | 12345, new byte[] {1, 2, 3, 4});
    }

    private static EmbeddedChannel from(String address) {
        InetSocketAddress remote = new InetSocketAddress(address, 40000);
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }
}
