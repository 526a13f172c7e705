package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.protocol.Direction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Node-wide traffic counters: bytes each way, and messages by type each way. Counters are made
 * once per message tag, so the hot path only increments (no registry lookups per message).
 */
public final class RelayMetrics {
    private final Counter[] frontend = new Counter[256];
    private final Counter[] backend = new Counter[256];
    private final Counter bytesFromClients;
    private final Counter bytesToClients;

    public RelayMetrics(MeterRegistry registry) {
        for (int tag = 0; tag < 256; tag++) {
            if (Direction.FRONTEND.isKnownTag((byte) tag)) {
                frontend[tag] = registry.counter("portcullis.proxy.messages", "direction", "from_client",
                        "type", Direction.FRONTEND.tagName((byte) tag));
            }
            if (Direction.BACKEND.isKnownTag((byte) tag)) {
                backend[tag] = registry.counter("portcullis.proxy.messages", "direction", "to_client",
                        "type", Direction.BACKEND.tagName((byte) tag));
            }
        }
        bytesFromClients = registry.counter("portcullis.proxy.bytes", "direction", "from_client");
        bytesToClients = registry.counter("portcullis.proxy.bytes", "direction", "to_client");
    }

    void fromClient(byte tag, int bytes, boolean newMessage) {
        bytesFromClients.increment(bytes);
        Counter c = frontend[tag & 0xFF];
        if (newMessage && c != null) {
            c.increment();
        }
    }

    void toClient(int bytes) {
        bytesToClients.increment(bytes);
    }

    void toClientMessage(byte tag) {
        Counter c = backend[tag & 0xFF];
        if (c != null) {
            c.increment();
        }
    }
}
