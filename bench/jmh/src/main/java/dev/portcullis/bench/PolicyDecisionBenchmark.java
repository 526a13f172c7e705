package dev.portcullis.bench;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.auth.AccessTokens;
import dev.portcullis.api.codec.ResourceCodec;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.ObjectMeta;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.SessionSpec;
import dev.portcullis.api.v1.SessionStatus;
import dev.portcullis.policy.engine.ExpressionCache;
import dev.portcullis.policy.engine.PolicyEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second of the policy engine alone (no gRPC, no replica): one whole
 * {@link PolicyEngine#decide} per operation — token hash, Session → User lookup, rule
 * collection, CEL evaluation, dynamic-config selection and the response message — on the
 * reference setup ({@link ReferenceSetup}) held in an in-memory Directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class PolicyDecisionBenchmark {
    private PolicyEngine engine;
    private AuthorizeRequest alice;
    private AuthorizeRequest bob;
    private AuthorizeRequest eve;

    @Setup
    public void setUp() {
        InMemoryDirectory directory = new InMemoryDirectory();
        directory.add(withMeta(ResourceCodec.parse(ReferenceSetup.SERVICE_YAML, Kind.SERVICE)).getService());
        Instant now = Instant.now();
        Map<ReferenceSetup.Case, AuthorizeRequest> requests = new EnumMap<>(ReferenceSetup.Case.class);
        for (List<String> u : ReferenceSetup.USERS) {
            String name = u.get(0);
            directory.add(withMeta(ResourceCodec.parse(ReferenceSetup.userYaml(u), Kind.USER)).getUser());
            String token = AccessTokens.newToken();
            directory.add(session(name, token, now));
            for (ReferenceSetup.Case c : ReferenceSetup.Case.values()) {
                if (c.user.equals(name)) {
                    requests.put(c, c.request(token));
                }
            }
        }
        engine = new PolicyEngine(directory, new ExpressionCache(), Clock.systemUTC());
        // refuse to measure a setup that does not decide as the reference says
        for (Map.Entry<ReferenceSetup.Case, AuthorizeRequest> e : requests.entrySet()) {
            String wrong = e.getKey().check(engine.decide(e.getValue()));
            if (wrong != null) {
                throw new IllegalStateException(wrong);
            }
        }
        alice = requests.get(ReferenceSetup.Case.ALICE_ALLOWED);
        bob = requests.get(ReferenceSetup.Case.BOB_PROD);
        eve = requests.get(ReferenceSetup.Case.EVE_DENIED);
    }

    /** alice (dev): allowed by the any.of's second branch (database "db-01"), dynamic config dev. */
    @Benchmark
    public AuthorizeResponse aliceAllowedSecondBranch() {
        return engine.decide(alice);
    }

    /** bob (prod): allowed by the first branch (user "db-user-1"), routed to the prod config. */
    @Benchmark
    public AuthorizeResponse bobRoutedToProd() {
        return engine.decide(bob);
    }

    /** eve: both branches evaluated, no match: default deny. */
    @Benchmark
    public AuthorizeResponse eveDefaultDeny() {
        return engine.decide(eve);
    }

    /** As the replica holds them: uid, resourceVersion, creation time, apiVersion and kind set. */
    private static Resource withMeta(Resource r) {
        ObjectMeta m = Resources.metadata(r).toBuilder()
                .setUid(UUID.randomUUID().toString())
                .setResourceVersion(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .build();
        return Resources.withMetadata(r, m);
    }

    private static Session session(String user, String token, Instant now) {
        Session s = Session.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(user + "-" + AccessTokens.suffix()))
                .setSpec(SessionSpec.newBuilder().setUser(user).setTtl("1h"))
                .setStatus(SessionStatus.newBuilder()
                        .setExpiresAt(Timestamp.newBuilder().setSeconds(now.plusSeconds(3600).getEpochSecond()))
                        .setTokenHash(AccessTokens.hash(token)))
                .build();
        return withMeta(Resource.newBuilder().setSession(s).build()).getSession();
    }
}
