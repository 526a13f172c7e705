package dev.portcullis.proxy.cancel;

import dev.portcullis.proxy.auth.upstream.UpstreamCancel;
import dev.portcullis.proxy.config.ProxyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BackendKeyData the proxy hands its clients, and what each one cancels. The upstream's
 * own key never leaves the proxy: a client could otherwise cancel queries of another identity
 * sharing the upstream role. The process id carries the minting node's id in its top byte (so
 * any node can route a cancel to the owner, as PgBouncer's peering does) and 24 random bits; the
 * secret is 32 more random bits. The map holds only live sessions.
 */
@ApplicationScoped
public class CancelKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key handed to a client. */
    public record Key(int processId, int secretKey) {
        long packed() {
            return ((long) processId << 32) | (secretKey & 0xFFFFFFFFL);
        }
    }

    private final ConcurrentHashMap<Long, UpstreamCancel> live = new ConcurrentHashMap<>();
    private final int nodeId;

    @Inject
    public CancelKeys(ProxyConfig config) {
        this(config.cancel().nodeId());
    }

    CancelKeys(int nodeId) {
        this.nodeId = nodeId;
        if (nodeId < 0 || nodeId > 127) {
            throw new IllegalStateException("portcullis.cancel.node-id must be 0-127, not " + nodeId);
        }
    }

    /** The node that minted a key: the top byte of its process id (kept positive). */
    public static int nodeOf(int processId) {
        return processId >>> 24;
    }

    public int nodeId() {
        return nodeId;
    }

    /** Mints a fresh key for a session; forget it with {@link #release} when the session ends. */
    public Key mint(UpstreamCancel target) {
        while (true) {
            Key key = new Key((nodeId << 24) | (RANDOM.nextInt() & 0xFFFFFF), RANDOM.nextInt());
            if (live.putIfAbsent(key.packed(), target) == null) {
                return key;
            }
        }
    }

    public Optional<UpstreamCancel> lookup(int processId, int secretKey) {
        return Optional.ofNullable(live.get(new Key(processId, secretKey).packed()));
    }

    public void release(Key key) {
        if (key != null) {
            live.remove(key.packed());
        }
    }
}
