package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class KindTest {

    @ParameterizedTest
    @CsvSource({
        "service, SERVICE",
        "services, SERVICE",
        "svc, SERVICE",
        "Service, SERVICE",
        "SVC, SERVICE",
        "secret, SECRET",
        "Secrets, SECRET",
        "user, USER",
        "USERS, USER",
        "group, GROUP",
        "groups, GROUP",
        "policy, POLICY",
        "Policies, POLICY",
        "session, SESSION",
        "sessions, SESSION",
    })
    void acceptsEveryNameInAnyCase(String text, Kind expected) {
        assertEquals(expected, Kind.parse(text).orElseThrow());
    }

    @Test
    void pluralsAreTheRestPaths() {
        assertEquals("services", Kind.SERVICE.plural());
        assertEquals("policies", Kind.POLICY.plural());
        assertEquals("Policy", Kind.POLICY.kindName());
        assertEquals("policy", Kind.POLICY.singular());
    }

    @Test
    void unknownKindIsAUsageErrorListingTheKinds() {
        assertTrue(Kind.parse("pods").isEmpty());
        assertTrue(Kind.parse(null).isEmpty());
        TypeConversionException e =
                assertThrows(TypeConversionException.class, () -> new Kind.Converter().convert("pods"));
        assertEquals("unknown kind 'pods': use service, secret, user, group, policy or session", e.getMessage());
    }
}
