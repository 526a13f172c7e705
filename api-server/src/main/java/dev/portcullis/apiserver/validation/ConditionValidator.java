package dev.portcullis.apiserver.validation;

import dev.portcullis.api.model.Effect;
import dev.portcullis.api.policy.PolicyLanguage;
import dev.portcullis.api.v1.Authorization;
import dev.portcullis.api.v1.Condition;
import dev.portcullis.api.v1.PolicySpec;
import dev.portcullis.api.v1.Rule;

/**
 * Checks conditions and rules with the same CEL environment policy-service evaluates them
 * with: an expression the API accepts is one the service can run.
 */
final class ConditionValidator {
    static final int MIN_PRIORITY = -4;
    static final int MAX_PRIORITY = 4;

    private ConditionValidator() {}

    static void checkAuthorization(DocumentProblems problems, String path, Authorization authz) {
        for (int i = 0; i < authz.getInlinePoliciesCount(); i++) {
            var p = authz.getInlinePolicies(i);
            String at = path + ".inlinePolicies[" + i + "]";
            if (!p.getName().isEmpty()) {
                Names.check(problems, at + ".name", p.getName());
            }
            checkPolicySpec(problems, at + ".spec", p.getSpec());
        }
        for (int i = 0; i < authz.getPoliciesCount(); i++) {
            Names.check(problems, path + ".policies[" + i + "]", authz.getPolicies(i));
        }
    }

    static void checkPolicySpec(DocumentProblems problems, String path, PolicySpec spec) {
        if (spec.getRulesCount() == 0) {
            problems.add(path + ".rules", "no rules: a policy without rules matches nothing");
        }
        for (int i = 0; i < spec.getRulesCount(); i++) {
            checkRule(problems, path + ".rules[" + i + "]", spec.getRules(i));
        }
    }

    private static void checkRule(DocumentProblems problems, String path, Rule rule) {
        try {
            Effect.parse(rule.getEffect());
        } catch (IllegalArgumentException e) {
            problems.add(path + ".effect", e.getMessage());
        }
        if (rule.getPriority() < MIN_PRIORITY || rule.getPriority() > MAX_PRIORITY) {
            problems.add(
                    path + ".priority", rule.getPriority() + " is out of range " + MIN_PRIORITY + ".." + MAX_PRIORITY);
        }
        if (!rule.hasCondition()) {
            problems.add(path + ".condition", "missing; use matchAny: true to match everything");
        } else {
            check(problems, path + ".condition", rule.getCondition());
        }
    }

    static void check(DocumentProblems problems, String path, Condition c) {
        switch (c.getTypeCase()) {
            case MATCH -> compile(problems, path + ".match", c.getMatch());
            case NOT -> compile(problems, path + ".not", c.getNot());
            case MATCH_ANY -> {
                if (!c.getMatchAny()) {
                    problems.add(path + ".matchAny", "false matches nothing; remove the rule or use true");
                }
            }
            case ALL -> checkList(problems, path + ".all", c.getAll());
            case ANY -> checkList(problems, path + ".any", c.getAny());
            case NONE -> checkList(problems, path + ".none", c.getNone());
            case TYPE_NOT_SET ->
                problems.add(path, "empty condition: give one of match, matchAny, all, any, none, not");
        }
    }

    private static void checkList(DocumentProblems problems, String path, Condition.List list) {
        if (list.getOfCount() == 0) {
            problems.add(path + ".of", "empty list of conditions");
        }
        for (int i = 0; i < list.getOfCount(); i++) {
            check(problems, path + ".of[" + i + "]", list.getOf(i));
        }
    }

    private static void compile(DocumentProblems problems, String path, String expression) {
        if (expression.length() > PolicyLanguage.MAX_EXPRESSION_LENGTH) {
            problems.add(path, "CEL expression is " + PolicyLanguage.tooLong(expression));
            return;
        }
        try {
            PolicyLanguage.compile(expression);
        } catch (PolicyLanguage.InvalidExpressionException e) {
            problems.add(path, "CEL expression does not compile: " + e.getMessage());
        }
    }
}
