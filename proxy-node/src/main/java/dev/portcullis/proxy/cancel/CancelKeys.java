package dev.portcullis.proxy.cancel;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BackendKeyData the proxy hands its clients, and what each one cancels. The upstream's
 * own key never leaves the proxy: a client could otherwise cancel queries of another identity
 * sharing the upstream role. Keys are 64 random bits (process id and secret both), so they
 * cannot be guessed; the map holds only live sessions.
 */
@ApplicationScoped
public class CancelKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a cancel goes: the upstream server and its own key for the backend. */
    public record Target(String host, int port, int processId, int secretKey) {
    }

    /** A key handed to a client. */
    public record Key(int processId, int secretKey) {
        long packed() {
            return ((long) processId << 32) | (secretKey & 0xFFFFFFFFL);
        }
    }

    private final ConcurrentHashMap<Long, Target> live = new ConcurrentHashMap<>();

    /** Mints a fresh key for a session; forget it with {@link #release} when the session ends. */
    public Key mint(Target target) {
        while (true) {
            // positive process ids: some clients print or compare them as signed numbers
            Key key = new Key(RANDOM.nextInt() & 0x7FFFFFFF, RANDOM.nextInt());
            if (live.putIfAbsent(key.packed(), target) == null) {
                return key;
            }
        }
    }

    public Optional<Target> lookup(int processId, int secretKey) {
        return Optional.ofNullable(live.get(new Key(processId, secretKey).packed()));
    }

    public void release(Key key) {
        if (key != null) {
            live.remove(key.packed());
        }
    }

    public int size() {
        return live.size();
    }
}
