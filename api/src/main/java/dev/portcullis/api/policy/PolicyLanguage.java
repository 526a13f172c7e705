package dev.portcullis.api.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

/**
 * The one CEL environment of Portcullis. api-server compiles every {@code match} with it when a
 * resource is written, and policy-service evaluates with it, so what the API accepts the
 * service can run.
 *
 * <p>The context is a single variable {@code ctx}: a JSON-like map (ctx.user, ctx.session,
 * ctx.service, ctx.request.postgres...). Evaluation is side-effect free; comprehensions are
 * capped so that no expression can loop for long.
 */
public final class PolicyLanguage {

    /** The most iterations one comprehension (exists, all, map, filter) may take. */
    public static final int MAX_COMPREHENSION_ITERATIONS = 1_000;

    /**
     * The longest expression accepted, in characters. A policy condition is a line or two; the
     * cap keeps a mistaken or hostile one from costing compile time and memory in every plane.
     */
    public static final int MAX_EXPRESSION_LENGTH = 4_096;

    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
            .maxParseRecursionDepth(64)
            .build();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("ctx", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();

    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private PolicyLanguage() {}

    /**
     * Compiles an expression once, for any number of evaluations.
     *
     * @throws InvalidExpressionException naming the line and column of the first problem
     */
    public static Expression compile(String source) {
        if (source == null || source.isBlank()) {
            throw new InvalidExpressionException("empty expression");
        }
        if (source.length() > MAX_EXPRESSION_LENGTH) {
            throw new InvalidExpressionException(tooLong(source));
        }
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(source).getAst();
            return new Expression(source, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            throw new InvalidExpressionException(describe(e));
        } catch (CelEvaluationException e) {
            throw new InvalidExpressionException(e.getMessage());
        }
    }

    /** The message for an expression over {@link #MAX_EXPRESSION_LENGTH}; it does not repeat the text. */
    public static String tooLong(String source) {
        return "too long: " + source.length() + " characters; the most is " + MAX_EXPRESSION_LENGTH;
    }

    private static String describe(CelValidationException e) {
        if (e.getErrors().isEmpty()) {
            return e.getMessage();
        }
        CelIssue first = e.getErrors().get(0);
        var loc = first.getSourceLocation();
        // CEL columns are 0-based; people count from 1
        return "line " + loc.getLine() + ", column " + (loc.getColumn() + 1) + ": " + first.getMessage();
    }

    /** A compiled expression; thread-safe. */
    public static final class Expression {
        private final String source;
        private final CelRuntime.Program program;

        private Expression(String source, CelRuntime.Program program) {
            this.source = source;
            this.program = program;
        }

        public String source() {
            return source;
        }

        /**
         * @throws CelEvaluationException on a runtime error (a missing key, a type mismatch,
         *         too many iterations): the caller decides what that means, never "true"
         */
        public boolean evaluate(Map<String, ?> ctx) throws CelEvaluationException {
            Object result = program.eval(Map.of("ctx", ctx));
            if (result instanceof Boolean b) {
                return b;
            }
            throw new IllegalStateException("expression did not yield a bool: " + source);
        }
    }

    /** An expression that does not compile; the message names where and why. */
    public static final class InvalidExpressionException extends RuntimeException {
        public InvalidExpressionException(String message) {
            super(message);
        }
    }
}
