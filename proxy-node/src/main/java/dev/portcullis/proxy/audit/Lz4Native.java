package dev.portcullis.proxy.audit;

import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.jboss.logging.Logger;

/**
 * Kafka compresses lz4 batches with {@code LZ4Factory.fastestInstance()}, which tries lz4-java's
 * native code only when its classes were loaded by the system class loader (so that no two
 * loaders load the library) or the library is loaded already. Under Quarkus's class loader it is
 * neither, and Kafka ran the pure-Java codec, 3-5 times slower. Loading the native code once at
 * start makes every later {@code fastestInstance()} the native one.
 */
final class Lz4Native {
    private static final Logger LOG = Logger.getLogger(Lz4Native.class);

    private Lz4Native() {}

    /** Loads lz4's native code when {@code codec} is lz4, and says in the log which implementation runs. */
    static void load(String codec) {
        if (!"lz4".equals(codec)) {
            return;
        }
        try {
            LZ4Factory.nativeInstance();
            XXHashFactory.nativeInstance(); // the frame checksums
        } catch (Throwable e) { // UnsatisfiedLinkError: no library for this platform, or no writable temp dir
            LOG.warnf(
                    "lz4 compression runs lz4-java's Java code (%s): its native code did not load: %s",
                    LZ4Factory.fastestInstance(), e.toString());
            return;
        }
        LOG.infof("lz4 compression runs lz4-java's native code (%s)", LZ4Factory.fastestInstance());
    }

    /** What Kafka's compressor will use now: JNI when the native code is in. */
    static String implementation() {
        return LZ4Factory.fastestInstance().toString();
    }
}
