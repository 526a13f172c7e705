package dev.portcullis.apiserver.validation;

import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.model.AuthorizationMode;
import dev.portcullis.api.model.ChannelBindingMode;
import dev.portcullis.api.model.ServiceMode;
import dev.portcullis.api.model.SpoolFullPolicy;
import dev.portcullis.api.model.SslMode;
import dev.portcullis.api.model.Ttl;
import dev.portcullis.api.v1.PostgresConfig;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.ServiceConfig;
import dev.portcullis.apiserver.config.ApiServerConfig;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.apiserver.store.ResourceStore;
import dev.portcullis.http.problem.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a resource before it is written. Every problem is reported at once, each naming the
 * field by its path in the document and the offending value, so a user can fix them all in
 * one edit. References (fromSecret, policies, configName, ports, a Session's user) are checked
 * against what is stored now.
 */
@ApplicationScoped
public class ResourceValidator {
    private final ResourceStore store;
    private final ApiServerConfig config;

    public ResourceValidator(ResourceStore store, ApiServerConfig config) {
        this.store = store;
        this.config = config;
    }

    /** @throws ApiProblem 422 listing every problem found */
    public void validate(Resource resource) {
        DocumentProblems problems = new DocumentProblems();
        Names.check(problems, "metadata.name", Resources.name(resource));
        switch (Kind.of(resource)) {
            case SERVICE -> checkService(problems, resource.getService());
            case SECRET -> checkSecret(problems, resource);
            case USER -> {
                var spec = resource.getUser().getSpec();
                for (int i = 0; i < spec.getGroupsCount(); i++) {
                    Names.check(problems, "spec.groups[" + i + "]", spec.getGroups(i));
                }
                ConditionValidator.checkAuthorization(problems, "spec.authorization", spec.getAuthorization());
                checkPolicyRefs(problems, "spec.authorization", spec.getAuthorization());
            }
            case GROUP -> {
                var authz = resource.getGroup().getSpec().getAuthorization();
                ConditionValidator.checkAuthorization(problems, "spec.authorization", authz);
                checkPolicyRefs(problems, "spec.authorization", authz);
            }
            case POLICY ->
                ConditionValidator.checkPolicySpec(
                        problems, "spec", resource.getPolicy().getSpec());
            case SESSION -> checkSession(problems, resource);
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.invalid(String.join("; ", problems.items()));
        }
    }

    private void checkService(DocumentProblems problems, Service svc) {
        var spec = svc.getSpec();
        try {
            ServiceMode.parse(spec.getMode());
        } catch (IllegalArgumentException e) {
            problems.add("spec.mode", e.getMessage());
        }
        if (spec.getPort() < 1 || spec.getPort() > 65535) {
            problems.add(
                    "spec.port",
                    spec.getPort() == 0
                            ? "missing; every proxy node listens on this port for the Service (1-65535)"
                            : spec.getPort() + " is not a TCP port (1-65535)");
        } else {
            store.list(Kind.SERVICE, Role.ADMIN).stream()
                    .map(Resource::getService)
                    .filter(other -> other.getSpec().getPort() == spec.getPort()
                            && !other.getMetadata()
                                    .getName()
                                    .equals(svc.getMetadata().getName()))
                    .findFirst()
                    .ifPresent(other -> problems.add(
                            "spec.port",
                            spec.getPort() + " is already used by Service "
                                    + other.getMetadata().getName() + "; every Service needs its own port"));
        }
        var dynamic = spec.getDynamicConfig();
        if (!spec.hasConfig() && dynamic.getConfigsCount() == 0) {
            problems.add(
                    "spec.config",
                    "missing; give the upstream and its postgres settings" + " (or spec.dynamicConfig.configs)");
        }
        if (spec.hasConfig()) {
            checkConfig(problems, "spec.config", spec.getConfig(), false);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < dynamic.getConfigsCount(); i++) {
            ServiceConfig c = dynamic.getConfigs(i);
            String at = "spec.dynamicConfig.configs[" + i + "]";
            checkConfig(problems, at, c, true);
            if (!c.getName().isEmpty() && !names.add(c.getName())) {
                problems.add(at + ".name", "\"" + c.getName() + "\" is used by two configs");
            }
        }
        for (int i = 0; i < dynamic.getRulesCount(); i++) {
            var rule = dynamic.getRules(i);
            String at = "spec.dynamicConfig.rules[" + i + "]";
            if (!rule.hasCondition()) {
                problems.add(at + ".condition", "missing; use matchAny: true to match everything");
            } else {
                ConditionValidator.check(problems, at + ".condition", rule.getCondition());
            }
            if (!names.contains(rule.getConfigName())) {
                problems.add(
                        at + ".configName",
                        (rule.getConfigName().isEmpty()
                                        ? "missing"
                                        : "\"" + rule.getConfigName() + "\" names no config")
                                + "; configs are: " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
            }
        }
        ConditionValidator.checkAuthorization(problems, "spec.authorization", spec.getAuthorization());
        checkPolicyRefs(problems, "spec.authorization", spec.getAuthorization());
        try {
            SpoolFullPolicy.parse(spec.getAudit().getOnSpoolFull());
        } catch (IllegalArgumentException e) {
            problems.add("spec.audit.onSpoolFull", e.getMessage());
        }
        var limits = spec.getSessionLimits();
        checkDuration(problems, "spec.sessionLimits.idleTimeout", limits.getIdleTimeout());
        checkDuration(problems, "spec.sessionLimits.maxLifetime", limits.getMaxLifetime());
        if (limits.getMaxConnectionsPerUser() < 0) {
            problems.add(
                    "spec.sessionLimits.maxConnectionsPerUser",
                    limits.getMaxConnectionsPerUser() + " is negative; use 0 for the proxy's default");
        }
    }

    private static void checkDuration(DocumentProblems problems, String path, String value) {
        if (!value.isEmpty()) {
            try {
                Ttl.parse(value);
            } catch (IllegalArgumentException e) {
                problems.add(path, e.getMessage());
            }
        }
    }

    private void checkConfig(DocumentProblems problems, String at, ServiceConfig c, boolean named) {
        if (named) {
            Names.check(problems, at + ".name", c.getName());
        }
        checkUpstreamUrl(problems, at + ".upstream.url", c.getUpstream().getUrl());
        PostgresConfig pg = c.getPostgres();
        if (pg.getUser().isEmpty()) {
            problems.add(at + ".postgres.user", "missing; the upstream user every client is logged in as");
        }
        if (pg.getDatabase().isEmpty()) {
            problems.add(at + ".postgres.database", "missing; the upstream database every client is connected to");
        }
        SslMode sslMode = null;
        try {
            sslMode = SslMode.parse(pg.getSslMode());
        } catch (IllegalArgumentException e) {
            problems.add(at + ".postgres.sslMode", e.getMessage());
        }
        try {
            if (ChannelBindingMode.parse(pg.getChannelBinding()) == ChannelBindingMode.REQUIRE
                    && sslMode == SslMode.DISABLE) {
                problems.add(
                        at + ".postgres.channelBinding",
                        "REQUIRE needs TLS to the upstream, but sslMode is"
                                + " DISABLE; use sslMode PREFER, REQUIRE, VERIFY_CA or VERIFY_FULL");
            }
        } catch (IllegalArgumentException e) {
            problems.add(at + ".postgres.channelBinding", e.getMessage());
        }
        try {
            AuthorizationMode.parse(pg.getAuthorization().getMode());
        } catch (IllegalArgumentException e) {
            problems.add(at + ".postgres.authorization.mode", e.getMessage());
        }
        try {
            dev.portcullis.api.model.UpstreamAuthMethod.parse(pg.getRequireAuthList());
        } catch (IllegalArgumentException e) {
            problems.add(at + ".postgres.requireAuth", e.getMessage());
        }
        checkAllowedParameters(problems, at + ".postgres.allowedParameters", pg.getAllowedParametersList());
        if (pg.getAllowOptions()) {
            problems.add(
                    at + ".postgres.allowOptions",
                    "no longer exists: the client's options are read setting by"
                            + " setting, and what any user may set is forwarded; list other settings in allowedParameters");
        }
        checkSecretRef(
                problems,
                at + ".postgres.auth.password.fromSecret",
                pg.getAuth().getPassword().getFromSecret());
        checkSecretRef(problems, at + ".postgres.caFromSecret", pg.getCaFromSecret());
    }

    /** Settings a client may set at connect beyond the user-settable ones: names or "prefix.*", never identity. */
    private static void checkAllowedParameters(DocumentProblems problems, String path, java.util.List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).toLowerCase(java.util.Locale.ROOT);
            if (!name.matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)*(\\.\\*)?")) {
                problems.add(
                        path + "[" + i + "]",
                        "\"" + names.get(i) + "\" is not a parameter name; write one like"
                                + " work_mem or a namespace like myapp.*");
            } else if (java.util.Set.of(
                            "role",
                            "session_authorization",
                            "replication",
                            "is_superuser",
                            "user",
                            "database",
                            "options")
                    .contains(name)) {
                problems.add(
                        path + "[" + i + "]",
                        "\"" + names.get(i) + "\" can never be allowed: the Service decides"
                                + " who the upstream session is");
            }
        }
    }

    private static void checkUpstreamUrl(DocumentProblems problems, String path, String url) {
        if (url.isEmpty()) {
            problems.add(path, "missing; write it like postgres://db.internal:5432");
            return;
        }
        try {
            URI uri = new URI(url);
            if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
                problems.add(path, "\"" + url + "\" must start with postgres://");
            } else if (uri.getHost() == null) {
                problems.add(path, "\"" + url + "\" names no host; write it like postgres://db.internal:5432");
            } else if (uri.getUserInfo() != null) {
                problems.add(path, "must not carry credentials; store the password in a Secret");
            }
        } catch (URISyntaxException e) {
            problems.add(path, "\"" + url + "\" is not a URL: " + e.getReason());
        }
    }

    private void checkSecretRef(DocumentProblems problems, String path, String name) {
        if (!name.isEmpty() && !store.exists(Kind.SECRET, name)) {
            problems.add(
                    path,
                    "Secret \"" + name + "\" does not exist; create it first" + " (portcullis create secret " + name
                            + ")");
        }
    }

    private void checkPolicyRefs(DocumentProblems problems, String path, dev.portcullis.api.v1.Authorization authz) {
        for (int i = 0; i < authz.getPoliciesCount(); i++) {
            String name = authz.getPolicies(i);
            if (Names.valid(name) && !store.exists(Kind.POLICY, name)) {
                problems.add(path + ".policies[" + i + "]", "Policy \"" + name + "\" does not exist");
            }
        }
    }

    private void checkSecret(DocumentProblems problems, Resource resource) {
        int bytes = resource.getSecret().getData().getValue().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.limits().secretValueBytes()) {
            problems.add(
                    "data.value",
                    "too large: " + bytes + " bytes, at most " + config.limits().secretValueBytes());
        }
    }

    private void checkSession(DocumentProblems problems, Resource resource) {
        var spec = resource.getSession().getSpec();
        if (spec.getUser().isEmpty()) {
            problems.add("spec.user", "missing; the User the Session is issued to");
        } else if (!store.exists(Kind.USER, spec.getUser())) {
            problems.add("spec.user", "User \"" + spec.getUser() + "\" does not exist");
        }
        if (!spec.getTtl().isEmpty()) {
            try {
                var ttl = Ttl.parse(spec.getTtl());
                var max = Ttl.parse(config.sessions().maxTtl());
                if (ttl.isZero()) {
                    problems.add("spec.ttl", "must be more than zero");
                } else if (ttl.compareTo(max) > 0) {
                    problems.add(
                            "spec.ttl",
                            spec.getTtl() + " is longer than the maximum, "
                                    + config.sessions().maxTtl());
                }
            } catch (IllegalArgumentException e) {
                problems.add("spec.ttl", e.getMessage());
            }
        }
    }
}
