package dev.portcullis.apiserver.store;

import static dev.portcullis.apiserver.Api.post;
import static dev.portcullis.apiserver.Api.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.api.Kind;
import dev.portcullis.apiserver.secrets.SecretCipher;
import dev.portcullis.apiserver.security.Role;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import org.hibernate.Session;
import org.junit.jupiter.api.Test;

/** What is on disk: the sealed value, never the plaintext; and it opens only for its own row. */
@QuarkusTest
class SecretsAtRestTest {
    @Inject
    @Any
    InjectableInstance<Session> sessions;

    @Inject
    SecretCipher cipher;

    @Inject
    ResourceStore store;

    @Test
    @Transactional
    void secretValueIsSealedWithItsRowAsAssociatedData() {
        String value = "at-rest-" + System.nanoTime();
        post("secrets", secret("rest-pw", value)).statusCode(201);
        post("secrets", secret("rest-other", "other")).statusCode(201);

        StoredResource row = row("rest-pw");
        assertFalse(new String(row.sealedValue, StandardCharsets.ISO_8859_1).contains(value));
        assertFalse(row.document.contains(value));
        assertEquals(value, cipher.open(row.sealedValue, row.uid));
        assertEquals(
                value,
                store.get(Kind.SECRET, "rest-pw", Role.PROXY)
                        .orElseThrow()
                        .getSecret()
                        .getData()
                        .getValue());

        StoredResource other = row("rest-other");
        assertThrows(
                IllegalStateException.class,
                () -> cipher.open(row.sealedValue, other.uid),
                "a sealed value moved to another row does not open");
    }

    private StoredResource row(String name) {
        return sessions.getActive()
                .createSelectionQuery("from StoredResource where kind = 'Secret' and name = ?1", StoredResource.class)
                .setParameter(1, name)
                .getSingleResult();
    }
}
