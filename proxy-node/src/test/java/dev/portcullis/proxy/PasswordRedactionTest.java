package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portcullis.proxy.audit.PasswordRedaction;
import org.junit.jupiter.api.Test;

/** Password literals leave no part of themselves in the audit trail, however they are quoted. */
class PasswordRedactionTest {

    @Test
    void theUsualForms() {
        assertEquals(
                "ALTER ROLE app PASSWORD '<redacted>'", PasswordRedaction.apply("ALTER ROLE app PASSWORD 's3cret'"));
        assertEquals(
                "create role r login encrypted password '<redacted>' valid until 'infinity'",
                PasswordRedaction.apply("create role r login encrypted password 'it''s' valid until 'infinity'"));
        assertEquals(
                "ALTER USER u PASSWORD '<redacted>'",
                PasswordRedaction.apply("ALTER USER u PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy'"));
        assertEquals("alter role r password '<redacted>'", PasswordRedaction.apply("alter role r password $$dollar$$"));
        assertEquals("alter role r password '<redacted>'", PasswordRedaction.apply("alter role r password $t1$x$t1$"));
        assertEquals("select 'no password here'", PasswordRedaction.apply("select 'no password here'"));
    }

    @Test
    void noSecretHidesBehindABackslashACommentOrAPrefix() {
        String[] statements = {
            "alter role r password E'abc\\'SECRET'", // E'': \' is a quote inside the literal
            "alter role r password 'abc\\'SECRET'", // the same with standard_conforming_strings off
            "alter role r password U&'SECRET\\0041'",
            "alter role r password /* comment */ 'SECRET'",
            "alter role r password -- comment\n 'SECRET'",
            "alter role r password $a1$SECRET$a1$",
            "alter role r password 'SECRET", // unterminated
        };
        for (String sql : statements) {
            String redacted = PasswordRedaction.apply(sql);
            assertFalse(redacted.contains("SECRET"), sql + " -> " + redacted);
            assertFalse(redacted.equals(sql), sql);
        }
    }
}
