package dev.portcullis.api.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyLanguageTest {

    private static final Map<String, Object> CTX = Map.of(
            "user", Map.of("metadata", Map.of("name", "bob"), "spec", Map.of("groups", List.of("prod"))),
            "request", Map.of("postgres", Map.of("connect", Map.of("user", "db-user-1", "database", "x"))));

    @Test
    void referenceExpressionsEvaluate() throws Exception {
        assertTrue(PolicyLanguage.compile("\"prod\" in ctx.user.spec.groups").evaluate(CTX));
        assertTrue(PolicyLanguage.compile("ctx.request.postgres.connect.user == \"db-user-1\"")
                .evaluate(CTX));
        assertFalse(PolicyLanguage.compile("ctx.request.postgres.connect.database == \"db-01\"")
                .evaluate(CTX));
        assertTrue(PolicyLanguage.compile("ctx.user.spec.groups.exists(g, g == \"prod\")")
                .evaluate(CTX));
        assertTrue(PolicyLanguage.compile("has(ctx.user.spec)").evaluate(CTX));
    }

    @Test
    void compileErrorsNameLineAndColumn() {
        var e = assertThrows(
                PolicyLanguage.InvalidExpressionException.class, () -> PolicyLanguage.compile("ctx.user.name == "));
        assertTrue(e.getMessage().startsWith("line 1, column 18: "), e.getMessage());
        var undeclared = assertThrows(
                PolicyLanguage.InvalidExpressionException.class, () -> PolicyLanguage.compile("usr.name == 'x'"));
        assertTrue(undeclared.getMessage().contains("column 1"), undeclared.getMessage());
        assertTrue(undeclared.getMessage().contains("usr"), undeclared.getMessage());
    }

    @Test
    void nonBooleanExpressionIsRejectedAtCompileTime() {
        assertThrows(PolicyLanguage.InvalidExpressionException.class, () -> PolicyLanguage.compile("1 + 2"));
        assertThrows(PolicyLanguage.InvalidExpressionException.class, () -> PolicyLanguage.compile(" "));
    }

    @Test
    void missingKeyIsARuntimeErrorNotFalse() {
        var expr = PolicyLanguage.compile("ctx.session.metadata.name == 'x'");
        assertThrows(CelEvaluationException.class, () -> expr.evaluate(CTX));
    }

    @Test
    void runawayComprehensionIsStopped() {
        var expr = PolicyLanguage.compile(
                "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a + b + c > 0)))");
        var e = assertThrows(CelEvaluationException.class, () -> expr.evaluate(CTX));
        assertTrue(e.getMessage().contains("Iteration budget exceeded"), e.getMessage());
    }

    @Test
    void expressionsLongerThanTheCapAreRefused() throws Exception {
        String prefix = "ctx.user.metadata.name == \"";
        String longest = prefix + "x".repeat(PolicyLanguage.MAX_EXPRESSION_LENGTH - prefix.length() - 1) + "\"";
        assertEquals(PolicyLanguage.MAX_EXPRESSION_LENGTH, longest.length());
        assertFalse(PolicyLanguage.compile(longest).evaluate(CTX));

        String over = prefix + "x".repeat(PolicyLanguage.MAX_EXPRESSION_LENGTH - prefix.length()) + "\"";
        var e = assertThrows(PolicyLanguage.InvalidExpressionException.class, () -> PolicyLanguage.compile(over));
        assertEquals("too long: 4097 characters; the most is 4096", e.getMessage());
    }
}
