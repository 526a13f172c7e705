package dev.portcullis.proxy.policy;

import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.PostgresParseRequest;
import dev.portcullis.api.v1.PostgresQueryRequest;
import dev.portcullis.api.v1.PostgresRequest;
import dev.portcullis.api.v1.Reason;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.frontend.FunctionCall;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.smallrye.mutiny.Uni;

/**
 * Per-message authorization (a Service's postgres.authorization.mode ALL): Query, Parse and
 * FunctionCall are put to policy-service, with the statement kinds a SQL parser sees, before
 * they are forwarded. If policy-service cannot answer, the message is denied (fail closed).
 */
public final class MessageAuthorizer {
    private final PolicyClient policy;
    private final AuthorizeRequest connect;

    public MessageAuthorizer(PolicyClient policy, AuthorizeRequest connect) {
        this.policy = policy;
        this.connect = connect;
    }

    /** The frontend messages decided before they are forwarded: Query, Parse, FunctionCall. */
    public static final char[] DECIDED_TAGS = {FrontendTag.QUERY, FrontendTag.PARSE, FrontendTag.FUNCTION_CALL};

    /** Whether a frontend message is decided before it is forwarded. */
    public static boolean decides(byte tag) {
        return tag == FrontendTag.QUERY || tag == FrontendTag.PARSE || tag == FrontendTag.FUNCTION_CALL;
    }

    /** @param message a Query, Parse or FunctionCall ({@link #decides}), decoded once for policy and audit */
    public Uni<AuthorizeResponse> check(FrontendMessage message) {
        PostgresRequest.Builder r = PostgresRequest.newBuilder();
        if (message instanceof Query q) {
            r.setQuery(
                    PostgresQueryRequest.newBuilder().setQuery(q.query()).addAllCommands(StatementKinds.of(q.query())));
        } else if (message instanceof Parse p) {
            r.setParse(PostgresParseRequest.newBuilder()
                    .setName(p.statement())
                    .setQuery(p.query())
                    .addAllCommands(StatementKinds.of(p.query())));
        } else if (message instanceof FunctionCall f) {
            // a function call by OID: policies see it as a query naming the function
            r.setQuery(PostgresQueryRequest.newBuilder()
                    .setQuery("-- function call, OID " + f.functionOid())
                    .addCommands("FUNCTION_CALL"));
        } else {
            throw new IllegalArgumentException(
                    "not decided per message: " + message.getClass().getSimpleName());
        }
        return policy.authorize(connect.toBuilder().setPostgres(r).build())
                .onFailure()
                .recoverWithItem(failure -> AuthorizeResponse.newBuilder()
                        .setAuthenticated(true)
                        .setAuthorized(false)
                        .setReason(Reason.newBuilder()
                                .setType("POLICY_UNAVAILABLE")
                                .setMessage("authorization is unavailable: " + failure.getMessage()))
                        .build());
    }
}
