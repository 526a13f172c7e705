package dev.portcullis.pgwire.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SCRAM's SaltedPassword, {@code Hi(password, salt, i)}, remembered per password, salt and
 * iteration count. A PostgreSQL role's salt only changes when its password does, so every login
 * after the first skips the PBKDF2 work (4096 HMACs by default, milliseconds of CPU) — the way
 * PgBouncer keeps SCRAM keys. The cache holds what the process could derive from the password it
 * already holds; the password itself is kept only as a SHA-256 in the key. At most
 * {@value #CAPACITY} entries, least recently used first out.
 */
final class SaltedPasswords {
    static final int CAPACITY = 1024;

    private static final Map<String, byte[]> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CAPACITY;
        }
    };

    private SaltedPasswords() {}

    static byte[] get(ScramMechanism mechanism, char[] password, String saltBase64, int iterations) {
        String key = mechanism.getName() + ':' + iterations + ':' + saltBase64 + ':' + fingerprint(password);
        synchronized (CACHE) {
            byte[] hit = CACHE.get(key);
            if (hit != null) {
                return hit.clone();
            }
        }
        byte[] salted = ScramFunctions.saltedPassword(
                mechanism,
                StringPreparation.POSTGRESQL_PREPARATION,
                password,
                Base64.getDecoder().decode(saltBase64),
                iterations);
        synchronized (CACHE) {
            CACHE.put(key, salted.clone());
        }
        return salted;
    }

    private static String fingerprint(char[] password) {
        try {
            ByteBuffer bytes = UTF_8.encode(CharBuffer.wrap(password));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes);
            java.util.Arrays.fill(bytes.array(), (byte) 0);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
