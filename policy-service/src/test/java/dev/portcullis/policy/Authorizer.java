package dev.portcullis.policy;

import dev.portcullis.api.v1.AuthorizationServiceGrpc;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.PostgresConnectRequest;
import dev.portcullis.api.v1.PostgresRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.restassured.RestAssured;
import java.util.concurrent.Executor;

/** A real gRPC client of the policy-service under test, holding the proxy credential. */
final class Authorizer implements AutoCloseable {
    private final ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", RestAssured.port)
            .usePlaintext()
            .build();

    AuthorizationServiceGrpc.AuthorizationServiceBlockingStub stub(String credential) {
        return AuthorizationServiceGrpc.newBlockingStub(channel).withCallCredentials(new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + credential);
                applier.apply(m);
            }
        });
    }

    AuthorizeResponse connect(String token, String service, String user, String database) {
        return authorize(
                token,
                service,
                PostgresRequest.newBuilder()
                        .setConnect(PostgresConnectRequest.newBuilder()
                                .setUser(user)
                                .setDatabase(database)
                                .setApplicationName("psql"))
                        .build());
    }

    /** Any request: a connect, or a Query or Parse message under per-message authorization. */
    AuthorizeResponse authorize(String token, String service, PostgresRequest request) {
        return stub(RunningApiServer.PROXY)
                .authorize(AuthorizeRequest.newBuilder()
                        .setAccessToken(token)
                        .setService(service)
                        .setPostgres(request)
                        .build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
