package dev.portcullis.api.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.Kind;
import org.junit.jupiter.api.Test;

/** Bad documents are refused with a message that says what is wrong; nothing is dropped silently. */
class ResourceCodecErrorsTest {

    @Test
    void unknownFieldIsAnErrorNamingTheField() {
        var e = assertThrows(
                ResourceFormatException.class,
                () -> ResourceCodec.parse("kind: Service\nmetadata: {name: a}\nspec: {prot: 5432}\n"));
        assertTrue(e.getMessage().contains("prot"), e.getMessage());
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        var e = assertThrows(ResourceFormatException.class, () -> ResourceCodec.parse("kind: Databse\n"));
        assertEquals(
                "kind: unknown kind \"Databse\"; expected one of Service, Secret, User, Group, Policy, Session",
                e.getMessage());
    }

    @Test
    void missingKindIsAnErrorUnlessTheEndpointSaysIt() {
        assertThrows(ResourceFormatException.class, () -> ResourceCodec.parse("metadata: {name: a}\n"));
        var r = ResourceCodec.parse("metadata: {name: a}\n", Kind.USER);
        assertEquals("a", r.getUser().getMetadata().getName());
        assertEquals("User", r.getUser().getKind());
    }

    @Test
    void kindMismatchWithTheEndpointIsAnError() {
        var e = assertThrows(
                ResourceFormatException.class,
                () -> ResourceCodec.parse("kind: Group\nmetadata: {name: a}\n", Kind.USER));
        assertTrue(e.getMessage().contains("users endpoint"), e.getMessage());
    }

    @Test
    void brokenYamlAndWrongTypesAreErrors() {
        assertThrows(ResourceFormatException.class, () -> ResourceCodec.parse("kind: [Service\n"));
        assertThrows(ResourceFormatException.class, () -> ResourceCodec.parse("kind: Service\nspec: {port: abc}\n"));
        assertThrows(ResourceFormatException.class, () -> ResourceCodec.parse("- a\n- b\n"));
        assertThrows(ResourceFormatException.class, () -> ResourceCodec.parse(""));
    }
}
