package dev.portcullis.apiserver.grpc;

import dev.portcullis.apiserver.security.Credentials;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.http.auth.BearerToken;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Authenticates every gRPC call by its bearer credential and decides, by method, who may make
 * it: writes need the admin token; the cluster view (ClusterService) needs a plane's
 * credential. The role travels to the service in the gRPC Context.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuthInterceptor implements ServerInterceptor {
    static final Context.Key<Role> ROLE = Context.key("portcullis-role");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Credentials credentials;

    public GrpcAuthInterceptor(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.startsWith("grpc.health.")) {
            return next.startCall(call, headers);
        }
        Optional<Role> role = credentials.roleOf(BearerToken.from(headers.get(AUTHORIZATION)));
        if (role.isEmpty()) {
            call.close(
                    Status.UNAUTHENTICATED.withDescription(
                            "missing or invalid bearer credential in the 'authorization' metadata"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (!allowed(method, role.get())) {
            call.close(
                    Status.PERMISSION_DENIED.withDescription(method + " is not allowed with this credential"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(ROLE, role.get()), call, headers, next);
    }

    static boolean allowed(String method, Role role) {
        if (method.startsWith("portcullis.v1.ClusterService/")) {
            return role == Role.CLUSTER || role == Role.PROXY;
        }
        if (method.startsWith("portcullis.v1.ResourceService/")) {
            boolean read = method.endsWith("/Get") || method.endsWith("/List") || method.endsWith("/Watch");
            return role == Role.ADMIN || read;
        }
        return role == Role.ADMIN;
    }

    /** The caller's role; only valid on the thread that entered the service method. */
    static Role currentRole() {
        Role r = ROLE.get();
        if (r == null) {
            throw new IllegalStateException("no authenticated caller in this gRPC context");
        }
        return r;
    }
}
