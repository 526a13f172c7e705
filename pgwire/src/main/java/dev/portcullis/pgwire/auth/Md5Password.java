package dev.portcullis.pgwire.auth;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The answer to AuthenticationMD5Password: {@code "md5" + md5hex(md5hex(password + user) + salt)}.
 * The inner hash is what {@code pg_authid.rolpassword} stores (after its own {@code md5} prefix);
 * the salt keeps a captured answer from being replayed on another connection.
 */
public final class Md5Password {

    private static final byte[] HEX = "0123456789abcdef".getBytes(US_ASCII);

    private Md5Password() {}

    /**
     * @param user the role name the server authenticates (the StartupMessage {@code user})
     * @param password the clear password; not modified
     * @param salt the 4 bytes from AuthenticationMD5Password
     */
    public static String encode(String user, char[] password, byte[] salt) {
        if (salt.length != 4) {
            throw new IllegalArgumentException("an MD5 salt has 4 bytes");
        }
        MessageDigest md5 = md5();
        byte[] passwordBytes = utf8(password);
        byte[] inner = null;
        try {
            md5.update(passwordBytes);
            md5.update(user.getBytes(UTF_8));
            inner = hex(md5.digest());
            md5.update(inner);
            md5.update(salt);
            return "md5" + new String(hex(md5.digest()), US_ASCII);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
            if (inner != null) {
                Arrays.fill(inner, (byte) 0);
            }
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private static byte[] hex(byte[] digest) {
        byte[] hex = new byte[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return hex;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide MD5
            throw new IllegalStateException(e);
        }
    }
}
