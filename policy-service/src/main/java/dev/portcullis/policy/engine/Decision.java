package dev.portcullis.policy.engine;

import dev.portcullis.api.v1.AuthorizeResponse;

/** Builders for the answers of the engine, so each reason type is spelled once. */
final class Decision {
    private Decision() {}

    static AuthorizeResponse notAuthenticated(String type, String message) {
        return AuthorizeResponse.newBuilder()
                .setAuthenticated(false)
                .setAuthorized(false)
                .setReason(
                        dev.portcullis.api.v1.Reason.newBuilder().setType(type).setMessage(message))
                .build();
    }
}
