package dev.portcullis.pgwire.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 written from RFC 5802 section 3 with nothing but the JDK, to check the library
 * wrapper against something that does not share its code.
 */
final class IndependentScram {

    private final byte[] saltedPassword;

    IndependentScram(String password, byte[] salt, int iterations) {
        this.saltedPassword = hi(password.getBytes(UTF_8), salt, iterations);
    }

    /** Base64 of ClientKey XOR HMAC(StoredKey, AuthMessage). */
    String clientProof(String authMessage) {
        byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(UTF_8));
        byte[] signature = hmac(sha256(clientKey), authMessage.getBytes(UTF_8));
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= signature[i];
        }
        return Base64.getEncoder().encodeToString(clientKey);
    }

    /** Base64 of HMAC(ServerKey, AuthMessage). */
    String serverSignature(String authMessage) {
        byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(UTF_8));
        return Base64.getEncoder().encodeToString(hmac(serverKey, authMessage.getBytes(UTF_8)));
    }

    private static byte[] hi(byte[] password, byte[] salt, int iterations) {
        byte[] first = new byte[salt.length + 4];
        System.arraycopy(salt, 0, first, 0, salt.length);
        first[first.length - 1] = 1;
        byte[] u = hmac(password, first);
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = hmac(password, u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
