package dev.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.api.v1.AuthorizationServiceGrpc;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.testkit.QuarkusService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authorize latency over loopback gRPC, end to end: a real api-server and a real policy-service
 * started as processes (testkit's {@link QuarkusService}, from their packaged apps), the
 * reference setup written through api-server's REST API, then a bounded number of blocking
 * Authorize calls from a few client threads over one plaintext HTTP/2 channel, as a proxy node
 * would make them. For each client thread count: p50/p90/p99/max in microseconds and calls
 * per second. Every answer is checked against the expected decision. Stops both services on
 * the way out, also on failure or Ctrl-C (testkit's reaper).
 *
 * <p>System properties: {@code portcullis.admin-token} (api-server's admin token; random if
 * unset), {@code bench.calls} (measured calls per thread count, 20000), {@code bench.warmup}
 * (20000: with 2000 both JVMs are still compiling and the percentiles are several times worse),
 * {@code bench.threads} (comma-separated client thread counts, "1,4"),
 * {@code testkit.project.root} (the checkout whose {@code <module>/target/quarkus-app} is run).
 */
public final class AuthorizeLatency {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    private AuthorizeLatency() {
    }

    public static void main(String[] args) {
        try {
            measure();
        } catch (Exception e) {
            System.err.println("AuthorizeLatency failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void measure() throws Exception {
        int calls = Integer.getInteger("bench.calls", 20_000);
        int warmup = Integer.getInteger("bench.warmup", 20_000);
        int[] threads = Arrays.stream(System.getProperty("bench.threads", "1,4").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        String admin = System.getProperty("portcullis.admin-token");
        if (admin == null || admin.isBlank()) {
            admin = randomToken();
            System.out.println("(no -Dportcullis.admin-token: using a random one)");
        }
        String cluster = randomToken();
        String proxy = randomToken();

        long t0 = System.nanoTime();
        try (QuarkusService api = QuarkusService.builder("api-server")
                .property("portcullis.admin-token", admin)
                .property("portcullis.cluster-token", cluster)
                .property("portcullis.proxy-token", proxy)
                .property("portcullis.data-dir", "data")
                .startTimeout(Duration.ofSeconds(120))
                .start()) {
            System.out.printf("api-server ready on 127.0.0.1:%d in %d ms%n", api.port(), ms(t0));

            Rest rest = new Rest(api.baseUrl(), admin);
            rest.post("secrets", ReferenceSetup.SECRET);
            rest.post("services", ReferenceSetup.SERVICE_YAML);
            Map<String, String> tokens = new HashMap<>();
            for (List<String> u : ReferenceSetup.USERS) {
                rest.post("users", ReferenceSetup.userYaml(u));
                tokens.put(u.get(0), rest.post("sessions", "{\"spec\":{\"user\":\"" + u.get(0) + "\",\"ttl\":\"1h\"}}")
                        .get("accessToken").asText());
            }

            long t1 = System.nanoTime();
            // ready only once its replica has the first full snapshot, which holds the setup above
            try (QuarkusService policy = QuarkusService.builder("policy-service")
                    .property("portcullis.cluster-token", cluster)
                    .property("portcullis.proxy-token", proxy)
                    .property("quarkus.grpc.clients.api-server.host", "127.0.0.1")
                    .property("quarkus.grpc.clients.api-server.port", Integer.toString(api.port()))
                    .startTimeout(Duration.ofSeconds(120))
                    .start()) {
                System.out.printf("policy-service ready on 127.0.0.1:%d in %d ms%n", policy.port(), ms(t1));
                run(policy.port(), proxy, tokens, calls, warmup, threads);
            }
        }
    }

    private static void run(int port, String proxyToken, Map<String, String> tokens, int calls, int warmup,
            int[] threadCounts) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + proxyToken);
            AuthorizationServiceGrpc.AuthorizationServiceBlockingStub stub = AuthorizationServiceGrpc
                    .newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

            ReferenceSetup.Case[] cases = ReferenceSetup.Case.values();
            Map<ReferenceSetup.Case, AuthorizeRequest> requests = new EnumMap<>(ReferenceSetup.Case.class);
            for (ReferenceSetup.Case c : cases) {
                requests.put(c, c.request(tokens.get(c.user)));
                awaitExpected(stub, c, requests.get(c));
            }
            AuthorizeRequest[] mix = Arrays.stream(cases).map(requests::get).toArray(AuthorizeRequest[]::new);

            int most = Arrays.stream(threadCounts).max().orElse(1);
            System.out.printf("warm-up: %d calls, %d threads%n", warmup, most);
            load(stub, cases, mix, warmup, most);
            System.out.printf("measured: %d calls per row over one channel, cases %s in turn, every answer checked%n",
                    calls, Arrays.toString(cases));
            System.out.printf("%-8s %8s %9s %8s %8s %8s %8s%n", "threads", "calls", "calls/s", "p50 us", "p90 us",
                    "p99 us", "max us");
            for (int threads : threadCounts) {
                long start = System.nanoTime();
                long[] nanos = load(stub, cases, mix, calls, threads);
                double seconds = (System.nanoTime() - start) / 1e9;
                Arrays.sort(nanos);
                System.out.printf("%-8d %8d %9.0f %8d %8d %8d %8d%n", threads, nanos.length, nanos.length / seconds,
                        us(pct(nanos, 50)), us(pct(nanos, 90)), us(pct(nanos, 99)), us(nanos[nanos.length - 1]));
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** {@code total} calls split over {@code threads}; every answer checked; the latency of each. */
    private static long[] load(AuthorizationServiceGrpc.AuthorizationServiceBlockingStub stub,
            ReferenceSetup.Case[] cases, AuthorizeRequest[] mix, int total, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong wrong = new AtomicLong();
        List<String> firstWrong = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<long[]>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = total / threads + (t < total % threads ? 1 : 0);
                int offset = t;
                parts.add(pool.submit(() -> {
                    long[] out = new long[n];
                    for (int i = 0; i < n; i++) {
                        int k = (i + offset) % mix.length;
                        long s = System.nanoTime();
                        AuthorizeResponse r = stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                                .authorize(mix[k]);
                        out[i] = System.nanoTime() - s;
                        String problem = cases[k].check(r);
                        if (problem != null && wrong.incrementAndGet() == 1) {
                            firstWrong.add(problem);
                        }
                    }
                    return out;
                }));
            }
            long[] all = new long[total];
            int at = 0;
            for (Future<long[]> f : parts) {
                long[] part = f.get(10, TimeUnit.MINUTES);
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            if (wrong.get() > 0) {
                throw new IllegalStateException(wrong.get() + " unexpected decisions, the first: " + firstWrong.get(0));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The replica has the setup once ready, but check: a benchmark of wrong answers is worthless. */
    private static void awaitExpected(AuthorizationServiceGrpc.AuthorizationServiceBlockingStub stub,
            ReferenceSetup.Case c, AuthorizeRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String problem;
        do {
            try {
                problem = c.check(stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .authorize(request));
            } catch (StatusRuntimeException e) {
                problem = c + ": " + e.getStatus();
            }
            if (problem == null) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(problem);
    }

    private static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static long us(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return "bench-" + HexFormat.of().formatHex(b);
    }

    /** api-server's management REST API, as an admin (YAML or JSON bodies). */
    private record Rest(String baseUrl, String adminToken) {
        JsonNode post(String plural, String body) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/" + plural))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + adminToken)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST /api/v1/" + plural + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }
}
