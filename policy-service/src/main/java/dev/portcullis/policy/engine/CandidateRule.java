package dev.portcullis.policy.engine;

import dev.portcullis.api.model.Effect;
import dev.portcullis.api.v1.Rule;
import java.util.Comparator;

/** A rule with its origin and its position, in the order decisions take them. */
record CandidateRule(Rule rule, Effect effect, RuleSource source, int index, int sequence) {

    /** Lower priority first; DENY before ALLOW at equal priority; then the order they were found. */
    static final Comparator<CandidateRule> ORDER = Comparator.comparingInt(
                    (CandidateRule r) -> r.rule().getPriority())
            .thenComparingInt(r -> r.effect() == Effect.DENY ? 0 : 1)
            .thenComparingInt(CandidateRule::sequence);
}
