package dev.portcullis.proxy.relay;

/** Bytes and messages each way, for the session's end record and metrics. Event-loop confined. */
public final class RelayCounters {
    private long bytesFromClient;
    private long messagesFromClient;
    private long bytesToClient;
    private long messagesToClient;

    void fromClient(int bytes, boolean newMessage) {
        bytesFromClient += bytes;
        if (newMessage) {
            messagesFromClient++;
        }
    }

    void toClient(int bytes, int messages) {
        bytesToClient += bytes;
        messagesToClient += messages;
    }

    public long messagesToClient() {
        return messagesToClient;
    }

    public long bytesFromClient() {
        return bytesFromClient;
    }

    public long messagesFromClient() {
        return messagesFromClient;
    }

    public long bytesToClient() {
        return bytesToClient;
    }
}
