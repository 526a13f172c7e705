package dev.portcullis.apiserver.grpc;

import dev.portcullis.api.codec.ResourceFormatException;
import dev.portcullis.http.problem.ApiProblem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/** The gRPC face of ApiProblem: the same detail, the matching status code. */
final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    static Throwable toStatus(Throwable t) {
        if (t instanceof ApiProblem p) {
            Status s = switch (p.status()) {
                case 400, 422 -> Status.INVALID_ARGUMENT;
                case 401 -> Status.UNAUTHENTICATED;
                case 403 -> Status.PERMISSION_DENIED;
                case 404 -> Status.NOT_FOUND;
                case 405 -> Status.UNIMPLEMENTED;
                case 409 -> Status.ABORTED;
                default -> Status.INTERNAL;
            };
            return new StatusRuntimeException(s.withDescription(p.detail()));
        }
        if (t instanceof ResourceFormatException e) {
            return new StatusRuntimeException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        if (t instanceof StatusRuntimeException) {
            return t;
        }
        LOG.error("unexpected error in a gRPC call", t);
        return new StatusRuntimeException(
                Status.INTERNAL.withDescription("unexpected server error; see the api-server log"));
    }
}
