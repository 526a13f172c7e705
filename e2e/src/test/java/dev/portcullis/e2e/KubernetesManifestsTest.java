package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.testkit.ProjectLayout;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * deploy/k8s rendered by a real kustomize — kubectl's own ({@code kubectl kustomize}; Debian's kubernetes-client
 * package, whose kubectl 1.20 embeds kustomize 2.0.3, is enough: the manifests use no newer field) or a standalone
 * {@code kustomize build} — and what an operator relies on checked in the output. Skipped, saying so, only when
 * neither is on the PATH ({@code deploy/install-deps.sh} installs one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {
    private static final Map<String, Integer> PORTS =
            Map.of("api-server", 8080, "policy-service", 8081, "audit-collector", 8082, "proxy-node", 8083);
    private final List<JsonNode> docs = new ArrayList<>();
    private boolean rendered;

    @BeforeAll
    void render() throws Exception {
        String dir = ProjectLayout.root().resolve("deploy/k8s").toString();
        List<String> command = onPath("kubectl")
                ? List.of("kubectl", "kustomize", dir)
                : onPath("kustomize") ? List.of("kustomize", "build", dir) : null;
        if (command == null) {
            return; // each test then reports itself skipped, saying why (see renderer())
        }
        rendered = true;
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (var it = yaml.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
    }

    @BeforeEach
    void renderer() {
        Assumptions.assumeTrue(
                rendered,
                "no kustomize renderer: neither kubectl nor kustomize is on the PATH;"
                        + " run deploy/install-deps.sh (Debian: apt-get install kubernetes-client) to render deploy/k8s");
    }

    @Test
    void fourDeploymentsWithProbesResourcesAndConfig() {
        var deployments = kind("Deployment");
        assertEquals(
                PORTS.keySet(),
                deployments.stream().map(d -> d.at("/metadata/name").asText()).collect(Collectors.toSet()));
        for (JsonNode d : deployments) {
            String name = d.at("/metadata/name").asText();
            assertEquals("portcullis", d.at("/metadata/namespace").asText());
            JsonNode c = d.at("/spec/template/spec/containers/0");
            assertEquals(PORTS.get(name), c.at("/ports/0/containerPort").asInt(), name);
            assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), name);
            assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText(), name);
            assertFalse(c.at("/resources/requests/cpu").asText().isEmpty(), name);
            assertFalse(c.at("/resources/requests/memory").asText().isEmpty(), name);
            assertEquals(
                    "portcullis-config", c.at("/envFrom/0/configMapRef/name").asText(), name);
            assertTrue(d.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean(), name);
        }
        assertEquals(2, deployment("proxy-node").at("/spec/replicas").asInt());
    }

    @Test
    void credentialsComeFromTheSecretAndOnlyWhereNeeded() {
        for (JsonNode d : kind("Deployment")) {
            for (JsonNode env : d.at("/spec/template/spec/containers/0/env")) {
                String name = env.get("name").asText();
                if (name.matches("PORTCULLIS_.*(TOKEN|KEY|PASSWORD|USER)")) {
                    assertEquals(
                            "portcullis-credentials",
                            env.at("/valueFrom/secretKeyRef/name").asText(),
                            name + " of " + d.at("/metadata/name").asText() + " must come from the Secret");
                }
            }
        }
        assertEquals(
                Set.of("PORTCULLIS_PROXY_TOKEN"), secretKeys("proxy-node"), "proxy nodes hold no other credential");
        assertFalse(secretKeys("policy-service").contains("PORTCULLIS_MASTER_KEY"));
        assertTrue(secretKeys("api-server").contains("PORTCULLIS_MASTER_KEY"));
        for (JsonNode cm : kind("ConfigMap")) {
            cm.get("data")
                    .fieldNames()
                    .forEachRemaining(k -> assertFalse(k.matches(".*(TOKEN|PASSWORD|MASTER_KEY).*"), k));
        }
    }

    @Test
    void proxyNodesSitBehindALoadBalancerCarryingTheServicePorts() {
        JsonNode lb = kind("Service").stream()
                .filter(s -> "LoadBalancer".equals(s.at("/spec/type").asText()))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "proxy-node", lb.at("/spec/selector/app.kubernetes.io~1name").asText());
        assertEquals(5432, lb.at("/spec/ports/0/port").asInt());
    }

    @Test
    void everyResourceIsLabelledAsPartOfPortcullis() {
        assertFalse(docs.isEmpty());
        for (JsonNode d : docs) {
            assertEquals(
                    "portcullis",
                    d.at("/metadata/labels/app.kubernetes.io~1part-of").asText(),
                    d.at("/kind").asText() + " " + d.at("/metadata/name").asText());
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    private Set<String> secretKeys(String deployment) {
        Set<String> keys = new java.util.HashSet<>();
        for (JsonNode env : deployment(deployment).at("/spec/template/spec/containers/0/env")) {
            if (env.has("valueFrom")) {
                keys.add(env.at("/valueFrom/secretKeyRef/key").asText());
            }
        }
        return keys;
    }

    private JsonNode deployment(String name) {
        return kind("Deployment").stream()
                .filter(d -> d.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private List<JsonNode> kind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.at("/kind").asText())).toList();
    }
}
