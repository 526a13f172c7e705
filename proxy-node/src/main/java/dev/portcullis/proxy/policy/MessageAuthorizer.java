package dev.portcullis.proxy.policy;

import dev.portcullis.pgwire.protocol.FrontendTag;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.PostgresParseRequest;
import dev.portcullis.api.v1.PostgresQueryRequest;
import dev.portcullis.api.v1.PostgresRequest;
import dev.portcullis.api.v1.Reason;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.message.frontend.FunctionCall;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
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

    public Uni<AuthorizeResponse> check(Frame frame) {
        PostgresRequest.Builder r = PostgresRequest.newBuilder();
        switch (frame.tag()) {
            case FrontendTag.QUERY -> {
                String sql = Query.decode(frame.body()).query();
                r.setQuery(PostgresQueryRequest.newBuilder().setQuery(sql).addAllCommands(StatementKinds.of(sql)));
            }
            case FrontendTag.PARSE -> {
                Parse p = Parse.decode(frame.body());
                r.setParse(PostgresParseRequest.newBuilder().setName(p.statement()).setQuery(p.query())
                        .addAllCommands(StatementKinds.of(p.query())));
            }
            default -> {
                // a function call by OID: policies see it as a query naming the function
                FunctionCall f = FunctionCall.decode(frame.body());
                r.setQuery(PostgresQueryRequest.newBuilder().setQuery("-- function call, OID " + f.functionOid())
                        .addCommands("FUNCTION_CALL"));
            }
        }
        return policy.authorize(connect.toBuilder().setPostgres(r).build())
                .onFailure().recoverWithItem(failure -> AuthorizeResponse.newBuilder()
                        .setAuthenticated(true).setAuthorized(false)
                        .setReason(Reason.newBuilder().setType("POLICY_UNAVAILABLE")
                                .setMessage("authorization is unavailable: " + failure.getMessage()))
                        .build());
    }
}
