package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;

/**
 * Why a connection is refused, with everything {@link Refusals#refuse} needs to say it once: the
 * FATAL the client reads, the metric tag, and whether (and as what) the audit trail records it.
 *
 * @param reason the tag on {@code portcullis.proxy.sessions.refused}: a fixed word, never user input
 * @param hint the FATAL's HINT, or null
 * @param auditType null: not audited (nothing is known of the client yet, or the trail cannot be kept);
 *     {@link #DECISION_REASON}: audited under the decision's own reason type; else the reason type
 * @param auditMessage what the trail says, when it may say more than the client is told (else the message)
 */
record Refusal(SqlState state, String reason, String message, String hint, String auditType, String auditMessage) {
    /** Audited with the reason type policy-service gave (a token or policy refusal). */
    static final String DECISION_REASON = "";

    static Refusal of(SqlState state, String reason, String message, String hint) {
        return new Refusal(state, reason, message, hint, null, null);
    }

    /** The same refusal, recorded in the audit trail as {@code type}. */
    Refusal audited(String type) {
        return new Refusal(state, reason, message, hint, type, message);
    }

    /** Audited as {@code type}, the trail saying {@code detail} (what went wrong, not for the client). */
    Refusal audited(String type, String detail) {
        return new Refusal(state, reason, message, hint, type, detail);
    }

    boolean isAudited() {
        return auditType != null;
    }
}
