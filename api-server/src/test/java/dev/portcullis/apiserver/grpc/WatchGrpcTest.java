package dev.portcullis.apiserver.grpc;

import static dev.portcullis.apiserver.Api.post;
import static dev.portcullis.apiserver.Api.secret;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.Resources;
import dev.portcullis.api.auth.AccessTokens;
import dev.portcullis.api.v1.ClusterServiceGrpc;
import dev.portcullis.api.v1.GetRequest;
import dev.portcullis.api.v1.IssueSessionRequest;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.ResourceServiceGrpc;
import dev.portcullis.api.v1.Secret;
import dev.portcullis.api.v1.SecretData;
import dev.portcullis.api.v1.WatchEvent;
import dev.portcullis.api.v1.WatchRequest;
import dev.portcullis.api.v1.WriteRequest;
import dev.portcullis.apiserver.Api;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC management and watch streams, and what each credential may see. */
@QuarkusTest
class WatchGrpcTest {
    private ManagedChannel channel;

    @BeforeEach
    void open() {
        channel = GrpcChannels.open();
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void watchSendsSnapshotThenSyncedThenLiveChanges() {
        post("secrets", secret("watch-a", "va")).statusCode(201);
        Recorder rec = new Recorder();
        ClusterServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcChannels.bearer(Api.PROXY))
                .watch(WatchRequest.newBuilder().addKinds("Secret").build(), rec);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.synced());
        assertTrue(rec.names(WatchEvent.Type.ADDED).contains("watch-a"));

        post("secrets", secret("watch-b", "vb")).statusCode(201);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> rec.names(WatchEvent.Type.ADDED).contains("watch-b"));
        WatchEvent b = rec.events.stream()
                .filter(e -> e.hasResource() && Resources.name(e.getResource()).equals("watch-b"))
                .findFirst()
                .orElseThrow();
        assertEquals("vb", b.getResource().getSecret().getData().getValue(), "proxy nodes see Secret values");

        dev.portcullis.apiserver.Api.delete("secrets", "watch-b").statusCode(204);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> rec.names(WatchEvent.Type.DELETED).contains("watch-b"));
        assertEquals(null, rec.error);
    }

    @Test
    void eachCredentialSeesOnlyWhatItMay() {
        post("secrets", secret("view-pw", "view-value")).statusCode(201);
        post("users", "{\"metadata\":{\"name\":\"view-user\"}}").statusCode(201);
        var admin = ResourceServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcChannels.bearer(Api.ADMIN));
        String token = admin.issueSession(IssueSessionRequest.newBuilder()
                        .setUser("view-user")
                        .setTtl("1h")
                        .build())
                .getAccessToken();
        assertTrue(token.startsWith(AccessTokens.PREFIX));

        Recorder cluster = watch(Api.CLUSTER, "Session", "Secret");
        Recorder proxy = watch(Api.PROXY, "Session", "Secret");
        Recorder management = new Recorder();
        ResourceServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcChannels.bearer(Api.ADMIN))
                .watch(
                        WatchRequest.newBuilder()
                                .addKinds("Session")
                                .addKinds("Secret")
                                .build(),
                        management);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.synced() && proxy.synced() && management.synced());

        String hash = AccessTokens.hash(token);
        assertTrue(cluster.sessionHashes().contains(hash), "policy-service sees token hashes");
        assertFalse(cluster.secretValues().contains("view-value"), "policy-service never sees Secret values");
        assertTrue(proxy.secretValues().contains("view-value"), "proxy nodes see Secret values");
        assertFalse(proxy.sessionHashes().contains(hash));
        assertFalse(management.secretValues().contains("view-value"));
        assertFalse(management.sessionHashes().contains(hash));
        assertFalse(admin.get(GetRequest.newBuilder()
                        .setKind("secret")
                        .setName("view-pw")
                        .build())
                .getSecret()
                .hasData());
    }

    @Test
    void credentialsAreChecked() {
        var none = ResourceServiceGrpc.newBlockingStub(channel);
        var e = assertThrows(
                StatusRuntimeException.class,
                () -> none.get(
                        GetRequest.newBuilder().setKind("Service").setName("x").build()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());

        var cluster =
                ResourceServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcChannels.bearer(Api.CLUSTER));
        Resource secret = Resource.newBuilder()
                .setSecret(Secret.newBuilder()
                        .setMetadata(
                                dev.portcullis.api.v1.ObjectMeta.newBuilder().setName("grpc-pw"))
                        .setData(SecretData.newBuilder().setValue("v")))
                .build();
        var denied = assertThrows(
                StatusRuntimeException.class,
                () -> cluster.create(
                        WriteRequest.newBuilder().setResource(secret).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());

        var admin = ResourceServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcChannels.bearer(Api.ADMIN));
        admin.create(WriteRequest.newBuilder().setResource(secret).build());
        var dup = assertThrows(
                StatusRuntimeException.class,
                () -> admin.create(WriteRequest.newBuilder().setResource(secret).build()));
        assertEquals(Status.Code.ABORTED, dup.getStatus().getCode());
        assertTrue(dup.getStatus().getDescription().contains("already exists"));
        var missing = assertThrows(
                StatusRuntimeException.class,
                () -> admin.get(GetRequest.newBuilder()
                        .setKind("Service")
                        .setName("nope")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());

        var adminWatch = new Recorder();
        ClusterServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcChannels.bearer(Api.ADMIN))
                .watch(WatchRequest.getDefaultInstance(), adminWatch);
        await().atMost(Duration.ofSeconds(5)).until(() -> adminWatch.error != null);
        assertEquals(
                Status.Code.PERMISSION_DENIED,
                Status.fromThrowable(adminWatch.error).getCode());
    }

    private Recorder watch(String token, String... kinds) {
        Recorder rec = new Recorder();
        ClusterServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcChannels.bearer(token))
                .watch(WatchRequest.newBuilder().addAllKinds(List.of(kinds)).build(), rec);
        return rec;
    }

    static final class Recorder implements StreamObserver<WatchEvent> {
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        volatile Throwable error;

        @Override
        public void onNext(WatchEvent value) {
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {}

        boolean synced() {
            return events.stream().anyMatch(e -> e.getType() == WatchEvent.Type.SYNCED);
        }

        List<String> names(WatchEvent.Type type) {
            return events.stream()
                    .filter(e -> e.getType() == type && e.hasResource())
                    .map(e -> Resources.name(e.getResource()))
                    .toList();
        }

        List<String> sessionHashes() {
            return events.stream()
                    .filter(e -> e.getResource().hasSession())
                    .map(e -> e.getResource().getSession().getStatus().getTokenHash())
                    .toList();
        }

        List<String> secretValues() {
            return events.stream()
                    .filter(e -> e.getResource().hasSecret())
                    .map(e -> e.getResource().getSecret().getData().getValue())
                    .toList();
        }
    }
}
