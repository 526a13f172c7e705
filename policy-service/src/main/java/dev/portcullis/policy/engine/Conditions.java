package dev.portcullis.policy.engine;

import dev.cel.runtime.CelEvaluationException;
import dev.portcullis.api.policy.PolicyLanguage;
import dev.portcullis.api.v1.Condition;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a condition tree. A CEL expression that fails at run time (a missing key, a type
 * mismatch, the iteration budget) counts as no match, and the failure is recorded so the
 * decision can name it: a broken expression must never let anyone in, nor fail silently.
 */
final class Conditions {
    private Conditions() {}

    static boolean matches(Condition c, Map<String, Object> ctx, ExpressionCache cache, List<String> errors) {
        return switch (c.getTypeCase()) {
            case MATCH -> eval(c.getMatch(), ctx, cache, errors, false);
            case NOT -> eval(c.getNot(), ctx, cache, errors, true);
            case MATCH_ANY -> c.getMatchAny();
            case ALL -> {
                for (Condition each : c.getAll().getOfList()) {
                    if (!matches(each, ctx, cache, errors)) {
                        yield false;
                    }
                }
                yield c.getAll().getOfCount() > 0;
            }
            case ANY -> {
                for (Condition each : c.getAny().getOfList()) {
                    if (matches(each, ctx, cache, errors)) {
                        yield true;
                    }
                }
                yield false;
            }
            case NONE -> {
                int before = errors.size();
                for (Condition each : c.getNone().getOfList()) {
                    if (matches(each, ctx, cache, errors)) {
                        yield false;
                    }
                }
                // "none matched" only counts if every one could be evaluated
                yield errors.size() == before;
            }
            case TYPE_NOT_SET -> false;
        };
    }

    /** A failing expression is "no match" for `match` and for `not` alike: errors never allow. */
    private static boolean eval(
            String source, Map<String, Object> ctx, ExpressionCache cache, List<String> errors, boolean negate) {
        try {
            PolicyLanguage.Expression e = cache.get(source);
            boolean v = e.evaluate(ctx);
            return negate != v;
        } catch (CelEvaluationException | PolicyLanguage.InvalidExpressionException e) {
            errors.add("'" + source + "': " + e.getMessage());
            return false;
        }
    }
}
