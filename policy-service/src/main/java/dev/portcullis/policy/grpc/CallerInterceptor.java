package dev.portcullis.policy.grpc;

import dev.portcullis.policy.replica.PolicyServiceConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Only proxy nodes (the proxy credential) may ask for decisions. */
@GlobalInterceptor
@ApplicationScoped
public class CallerInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final byte[] expected;

    public CallerInterceptor(PolicyServiceConfig config) {
        this.expected = ("Bearer " + config.proxyToken()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (call.getMethodDescriptor().getFullMethodName().startsWith("grpc.health.")) {
            return next.startCall(call, headers);
        }
        String presented = headers.get(AUTHORIZATION);
        if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected)) {
            call.close(Status.UNAUTHENTICATED.withDescription("Authorize needs the proxy credential"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
