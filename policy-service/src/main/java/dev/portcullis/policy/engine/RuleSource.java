package dev.portcullis.policy.engine;

import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.Reason;

/**
 * Where a rule comes from: an inline policy of a Service, User or Group (named by that
 * resource), or a standalone Policy. This is what the AccessLog's reason names.
 */
record RuleSource(boolean inline, String policyName, ObjectRef resourceRef) {

    Reason.PolicyRef toRef() {
        return Reason.PolicyRef.newBuilder()
                .setName(policyName)
                .setResourceRef(resourceRef)
                .build();
    }

    String describe() {
        return inline
                ? "inline policy " + policyName + " of " + resourceRef.getKind() + " " + resourceRef.getName()
                : "Policy " + policyName;
    }
}
