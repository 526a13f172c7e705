package dev.portcullis.apiserver.grpc;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.restassured.RestAssured;
import java.util.concurrent.Executor;

/** A real gRPC client channel to the app under test, with a bearer credential. */
final class GrpcChannels {
    private GrpcChannels() {}

    static ManagedChannel open() {
        return ManagedChannelBuilder.forAddress("127.0.0.1", RestAssured.port)
                .usePlaintext()
                .build();
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(m);
            }
        };
    }
}
