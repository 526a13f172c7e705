package dev.portcullis.apiserver.watch;

import dev.portcullis.api.Kind;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.apiserver.store.Redaction;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Fans committed changes out to the open watch streams. Publishing happens under the write
 * lock (see ResourceService), so every watcher sees changes in commit order, and a watcher
 * registered under that lock misses nothing between its snapshot and its first event.
 */
@ApplicationScoped
public class WatchHub {
    private final Set<Watcher> watchers = new CopyOnWriteArraySet<>();

    public Watcher register(Set<Kind> kinds, Role role, MultiEmitter<? super WatchEvent> emitter) {
        Watcher w = new Watcher(kinds, role, emitter);
        watchers.add(w);
        emitter.onTermination(() -> watchers.remove(w));
        return w;
    }

    /** @param full the resource in full; each watcher gets what its role may see */
    public void publish(WatchEvent.Type type, Resource full) {
        Kind kind = Kind.of(full);
        for (Watcher w : watchers) {
            if (w.kinds.contains(kind)) {
                w.emit(type, full);
            }
        }
    }

    public static final class Watcher {
        private final Set<Kind> kinds;
        private final Role role;
        private final MultiEmitter<? super WatchEvent> emitter;

        Watcher(Set<Kind> kinds, Role role, MultiEmitter<? super WatchEvent> emitter) {
            this.kinds = kinds;
            this.role = role;
            this.emitter = emitter;
        }

        public void emit(WatchEvent.Type type, Resource full) {
            emitter.emit(WatchEvent.newBuilder()
                    .setType(type)
                    .setResource(Redaction.forRole(full, role))
                    .build());
        }

        public void synced() {
            emitter.emit(WatchEvent.newBuilder().setType(WatchEvent.Type.SYNCED).build());
        }
    }
}
