package dev.portcullis.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JVM shutdown hook for every process the kit starts: a test that forgets to close a
 * cluster or broker (or a JVM that is interrupted) must not leave servers running on a shared
 * machine, holding ports and memory.
 */
final class ProcessReaper {

    private static final Set<Runnable> KILLERS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "portcullis-testkit-reaper"));
    }

    private ProcessReaper() {}

    static void register(Runnable killer) {
        KILLERS.add(killer);
    }

    static void unregister(Runnable killer) {
        KILLERS.remove(killer);
    }

    /** Kills a process and everything it started (PostgreSQL backends, runuser's child), now. */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroyForcibly);
    }

    private static void reapAll() {
        for (Runnable killer : List.copyOf(KILLERS)) {
            try {
                killer.run();
            } catch (RuntimeException e) {
                // best effort: the JVM is going away
            }
        }
    }
}
