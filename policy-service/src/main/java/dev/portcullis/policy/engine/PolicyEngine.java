package dev.portcullis.policy.engine;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.auth.AccessTokens;
import dev.portcullis.api.model.Effect;
import dev.portcullis.api.v1.Authorization;
import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.DynamicConfigRule;
import dev.portcullis.api.v1.Group;
import dev.portcullis.api.v1.InlinePolicy;
import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.Policy;
import dev.portcullis.api.v1.Reason;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.Rule;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One authorization decision: who the token belongs to (Session → User → Groups), whether
 * the request is allowed and by which rule, and for a connect which dynamic config applies.
 *
 * <p>Rules come from the Service (inline, then attached Policies), the User, then each of the
 * User's Groups; they are taken lower priority first, DENY before ALLOW at equal priority, and
 * the first that matches decides. No match is a deny. Plain Java: no IO, no framework.
 */
public final class PolicyEngine {
    public static final String POLICY_MATCH = "POLICY_MATCH";
    public static final String NO_POLICY_MATCH = "NO_POLICY_MATCH";
    public static final String NOT_AUTHENTICATED = "NOT_AUTHENTICATED";
    public static final String SESSION_EXPIRED = "SESSION_EXPIRED";
    public static final String SERVICE_NOT_FOUND = "SERVICE_NOT_FOUND";
    public static final String NO_CONFIG = "NO_CONFIG";

    private final Directory directory;
    private final ExpressionCache cache;
    private final Clock clock;

    public PolicyEngine(Directory directory, ExpressionCache cache, Clock clock) {
        this.directory = directory;
        this.cache = cache;
        this.clock = clock;
    }

    public AuthorizeResponse decide(AuthorizeRequest request) {
        if (request.getAccessToken().isEmpty()) {
            return Decision.notAuthenticated(NOT_AUTHENTICATED, "no access token was presented");
        }
        Optional<Session> found = directory.sessionByTokenHash(AccessTokens.hash(request.getAccessToken()));
        if (found.isEmpty()) {
            return Decision.notAuthenticated(NOT_AUTHENTICATED, "the access token is not valid");
        }
        Session session = found.get();
        Timestamp expires = session.getStatus().getExpiresAt();
        if (clock.instant().getEpochSecond() >= expires.getSeconds()) {
            return Decision.notAuthenticated(
                    SESSION_EXPIRED, "Session " + session.getMetadata().getName() + " has expired; ask for a new one");
        }
        Optional<User> user = directory.user(session.getSpec().getUser());
        if (user.isEmpty()) {
            return Decision.notAuthenticated(NOT_AUTHENTICATED, "the User of this Session no longer exists");
        }
        AuthorizeResponse.Builder out = AuthorizeResponse.newBuilder()
                .setAuthenticated(true)
                .setUserRef(ref(Resource.newBuilder().setUser(user.get()).build()))
                .setSessionRef(ref(Resource.newBuilder().setSession(session).build()))
                .setSessionExpiresAt(expires);
        Optional<Service> service = directory.service(request.getService());
        if (service.isEmpty()) {
            return out.setAuthorized(false)
                    .setReason(reason(SERVICE_NOT_FOUND, "there is no Service \"" + request.getService() + "\""))
                    .build();
        }
        Service svc = service.get();
        out.setServiceRef(ref(Resource.newBuilder().setService(svc).build()));

        Map<String, Object> ctx = RequestContext.of(user.get(), session, svc, request.getPostgres());
        List<String> errors = new ArrayList<>();
        CandidateRule match = firstMatch(rules(svc, user.get()), ctx, errors);
        if (match == null) {
            String msg = "no rule allows User " + user.get().getMetadata().getName() + " here";
            return out.setAuthorized(false)
                    .setReason(reason(NO_POLICY_MATCH, withErrors(msg, errors)))
                    .build();
        }
        boolean allowed = match.effect() == Effect.ALLOW;
        Reason.PolicyMatch.Builder pm = Reason.PolicyMatch.newBuilder()
                .setRuleIndex(match.index())
                .setEffect(match.effect().name());
        if (match.source().inline()) {
            pm.setInlinePolicy(match.source().toRef());
        } else {
            pm.setPolicy(match.source().toRef());
        }
        String msg = (allowed ? "allowed by " : "denied by ") + match.source().describe() + ", rule " + match.index();
        out.setAuthorized(allowed)
                .setReason(Reason.newBuilder()
                        .setType(POLICY_MATCH)
                        .setMessage(withErrors(msg, errors))
                        .setDetails(Reason.Details.newBuilder().setPolicyMatch(pm)));

        if (allowed && request.getPostgres().hasConnect()) {
            Optional<String> config = selectConfig(svc, ctx, errors);
            if (config.isEmpty()) {
                out.setAuthorized(false)
                        .setReason(reason(
                                NO_CONFIG,
                                withErrors(
                                        "no dynamic config rule matched and" + " Service "
                                                + svc.getMetadata().getName() + " has no default config",
                                        errors)));
            } else {
                out.setConfigName(config.get());
            }
        }
        return out.build();
    }

    /** Dynamic config: rules in order, the first match names the config; none → the default (""). */
    private Optional<String> selectConfig(Service svc, Map<String, Object> ctx, List<String> errors) {
        for (DynamicConfigRule rule : svc.getSpec().getDynamicConfig().getRulesList()) {
            if (Conditions.matches(rule.getCondition(), ctx, cache, errors)) {
                return Optional.of(rule.getConfigName());
            }
        }
        return svc.getSpec().hasConfig() ? Optional.of("") : Optional.empty();
    }

    private CandidateRule firstMatch(List<CandidateRule> rules, Map<String, Object> ctx, List<String> errors) {
        for (CandidateRule r : rules) {
            if (Conditions.matches(r.rule().getCondition(), ctx, cache, errors)) {
                return r;
            }
        }
        return null;
    }

    List<CandidateRule> rules(Service svc, User user) {
        List<CandidateRule> out = new ArrayList<>();
        collect(
                out,
                svc.getSpec().getAuthorization(),
                ref(Resource.newBuilder().setService(svc).build()));
        collect(
                out,
                user.getSpec().getAuthorization(),
                ref(Resource.newBuilder().setUser(user).build()));
        for (String g : user.getSpec().getGroupsList()) {
            Optional<Group> group = directory.group(g);
            group.ifPresent(gr -> collect(
                    out,
                    gr.getSpec().getAuthorization(),
                    ref(Resource.newBuilder().setGroup(gr).build())));
        }
        out.sort(CandidateRule.ORDER);
        return out;
    }

    private void collect(List<CandidateRule> out, Authorization authz, ObjectRef owner) {
        for (int i = 0; i < authz.getInlinePoliciesCount(); i++) {
            InlinePolicy p = authz.getInlinePolicies(i);
            String name = p.getName().isEmpty() ? "#" + i : p.getName();
            add(out, p.getSpec().getRulesList(), new RuleSource(true, name, owner));
        }
        for (String name : authz.getPoliciesList()) {
            Optional<Policy> p = directory.policy(name);
            p.ifPresent(policy -> add(
                    out,
                    policy.getSpec().getRulesList(),
                    new RuleSource(
                            false,
                            name,
                            ref(Resource.newBuilder().setPolicy(policy).build()))));
        }
    }

    private static void add(List<CandidateRule> out, List<Rule> rules, RuleSource source) {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            Effect effect;
            try {
                effect = Effect.parse(r.getEffect());
            } catch (IllegalArgumentException e) {
                continue; // the API refuses such rules; a stale one never allows
            }
            out.add(new CandidateRule(r, effect, source, i, out.size()));
        }
    }

    private static Reason reason(String type, String message) {
        return Reason.newBuilder().setType(type).setMessage(message).build();
    }

    private static String withErrors(String message, List<String> errors) {
        if (errors.isEmpty()) {
            return message;
        }
        return message + "; " + errors.size() + " expression(s) failed and counted as no match: "
                + String.join("; ", errors);
    }

    private static ObjectRef ref(Resource r) {
        return Resources.ref(r);
    }

    /** The kinds a Directory must replicate. */
    public static final List<Kind> KINDS = List.of(Kind.SESSION, Kind.USER, Kind.GROUP, Kind.POLICY, Kind.SERVICE);
}
