package dev.portcullis.pgwire.auth;

import static dev.portcullis.pgwire.Hex.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Md5PasswordTest {

    /** PostgreSQL's scheme, computed the obvious way with a fresh MessageDigest. */
    private static String independently(String user, String password, byte[] salt) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        String inner = HexFormat.of().formatHex(md5.digest((password + user).getBytes(UTF_8)));
        md5.update(inner.getBytes(UTF_8));
        md5.update(salt);
        return "md5" + HexFormat.of().formatHex(md5.digest());
    }

    @Test
    void matchesWhatPsqlSentToPostgres() {
        // md5user/md5pass, salt 95710b24 from AuthenticationMD5Password in Transcripts.MD5_BACKEND
        assertEquals(
                "md5e95b8e7cd2d87d641d3f91876950cec8",
                Md5Password.encode("md5user", "md5pass".toCharArray(), bytes("95710b24")));
    }

    @Test
    void matchesAnIndependentComputation() throws Exception {
        byte[] salt = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
        assertEquals(
                independently("postgres", "postgres", salt),
                Md5Password.encode("postgres", "postgres".toCharArray(), salt));
        // the inner hash is pg_authid's well-known value for postgres/postgres
        assertEquals(
                "3175bce1d3201d16594cebf9d7eb3f9d",
                HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest("postgrespostgres".getBytes(UTF_8))));
        // non-ASCII passwords hash as UTF-8, like libpq with client_encoding UTF8
        assertEquals(
                independently("jörg", "pässwörd€", salt), Md5Password.encode("jörg", "pässwörd€".toCharArray(), salt));
    }

    @Test
    void leavesTheCallersPasswordAloneAndChecksTheSalt() {
        char[] password = "secret".toCharArray();
        Md5Password.encode("u", password, new byte[4]);
        assertArrayEquals("secret".toCharArray(), password);
        assertThrows(IllegalArgumentException.class, () -> Md5Password.encode("u", password, new byte[3]));
    }
}
