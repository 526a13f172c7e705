package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.protocol.Direction;
import dev.portcullis.proxy.metrics.HotCounters;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Node-wide traffic counters: bytes each way, and messages by type each way. Counters are made
 * once per message tag, as {@link HotCounters}, so the hot path only increments (no registry lookups per message).
 */
public final class RelayMetrics {
    private final LongAdder[] frontend = new LongAdder[256];
    private final LongAdder[] backend = new LongAdder[256];
    private final LongAdder bytesFromClients;
    private final LongAdder bytesToClients;

    public RelayMetrics(MeterRegistry registry) {
        for (int tag = 0; tag < 256; tag++) {
            if (Direction.FRONTEND.isKnownTag((byte) tag)) {
                frontend[tag] = HotCounters.register(
                        registry,
                        "portcullis.proxy.messages",
                        "direction",
                        "from_client",
                        "type",
                        Direction.FRONTEND.tagName((byte) tag));
            }
            if (Direction.BACKEND.isKnownTag((byte) tag)) {
                backend[tag] = HotCounters.register(
                        registry,
                        "portcullis.proxy.messages",
                        "direction",
                        "to_client",
                        "type",
                        Direction.BACKEND.tagName((byte) tag));
            }
        }
        bytesFromClients = HotCounters.register(registry, "portcullis.proxy.bytes", "direction", "from_client");
        bytesToClients = HotCounters.register(registry, "portcullis.proxy.bytes", "direction", "to_client");
    }

    void fromClient(byte tag, int bytes, boolean newMessage) {
        bytesFromClients.add(bytes);
        LongAdder c = frontend[tag & 0xFF];
        if (newMessage && c != null) {
            c.increment();
        }
    }

    void toClient(int bytes) {
        bytesToClients.add(bytes);
    }

    void toClientMessage(byte tag) {
        LongAdder c = backend[tag & 0xFF];
        if (c != null) {
            c.increment();
        }
    }
}
