package dev.portcullis.proxy.relay;

import dev.portcullis.proxy.audit.SessionEvents;

/** Bytes and messages each way, for the session's end record and the node's metrics. Event-loop confined. */
public final class RelayCounters implements SessionEvents.Traffic {
    private final RelayMetrics node;

    RelayCounters(RelayMetrics node) {
        this.node = node;
    }

    private long bytesFromClient;
    private long messagesFromClient;
    private long bytesToClient;
    private long messagesToClient;

    void fromClient(byte tag, int bytes, boolean newMessage) {
        node.fromClient(tag, bytes, newMessage);
        bytesFromClient += bytes;
        if (newMessage) {
            messagesFromClient++;
        }
    }

    void toClient(int bytes, int messages) {
        node.toClient(bytes);
        bytesToClient += bytes;
        messagesToClient += messages;
    }

    void toClientMessage(byte tag) {
        node.toClientMessage(tag);
    }

    @Override
    public long messagesToClient() {
        return messagesToClient;
    }

    @Override
    public long bytesFromClient() {
        return bytesFromClient;
    }

    @Override
    public long messagesFromClient() {
        return messagesFromClient;
    }

    @Override
    public long bytesToClient() {
        return bytesToClient;
    }
}
