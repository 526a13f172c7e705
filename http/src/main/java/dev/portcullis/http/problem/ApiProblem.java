package dev.portcullis.http.problem;

/**
 * An error the caller can act on, with the HTTP status it maps to. REST renders it as
 * problem JSON (RFC 9457); gRPC as the matching status code. The detail is shown to the
 * caller, so it must never carry a secret.
 */
public class ApiProblem extends RuntimeException {
    private final int status;
    private final String title;

    public ApiProblem(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad Request", detail);
    }

    public static ApiProblem invalid(String detail) {
        return new ApiProblem(422, "Invalid resource", detail);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not Found", detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "Unauthorized", detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "Forbidden", detail);
    }

    public static ApiProblem methodNotAllowed(String detail) {
        return new ApiProblem(405, "Method Not Allowed", detail);
    }
}
