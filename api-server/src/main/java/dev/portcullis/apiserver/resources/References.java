package dev.portcullis.apiserver.resources;

import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.v1.Authorization;
import dev.portcullis.api.v1.Resource;
import dev.portcullis.api.v1.ServiceConfig;
import dev.portcullis.api.v1.ServiceSpec;
import dev.portcullis.apiserver.security.Role;
import dev.portcullis.apiserver.store.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Who refers to a Secret or a Policy, so that neither is deleted from under its users. */
final class References {
    private References() {}

    static List<String> usersOf(Kind kind, String name, ResourceStore store) {
        List<String> users = new ArrayList<>();
        if (kind == Kind.SECRET) {
            for (Resource r : store.list(Kind.SERVICE, Role.ADMIN)) {
                if (configs(r.getService().getSpec())
                        .anyMatch(c -> name.equals(c.getPostgres().getCaFromSecret())
                                || name.equals(
                                        c.getPostgres().getAuth().getPassword().getFromSecret()))) {
                    users.add("Service " + Resources.name(r));
                }
            }
        } else if (kind == Kind.POLICY) {
            addPolicyUsers(users, store, Kind.SERVICE, name);
            addPolicyUsers(users, store, Kind.USER, name);
            addPolicyUsers(users, store, Kind.GROUP, name);
        }
        return users;
    }

    private static void addPolicyUsers(List<String> users, ResourceStore store, Kind kind, String policy) {
        for (Resource r : store.list(kind, Role.ADMIN)) {
            Authorization authz = switch (kind) {
                case SERVICE -> r.getService().getSpec().getAuthorization();
                case USER -> r.getUser().getSpec().getAuthorization();
                default -> r.getGroup().getSpec().getAuthorization();
            };
            if (authz.getPoliciesList().contains(policy)) {
                users.add(kind.displayName() + " " + Resources.name(r));
            }
        }
    }

    private static Stream<ServiceConfig> configs(ServiceSpec spec) {
        return Stream.concat(Stream.of(spec.getConfig()), spec.getDynamicConfig().getConfigsList().stream());
    }
}
