package dev.portcullis.policy.engine;

import dev.portcullis.api.v1.Group;
import dev.portcullis.api.v1.Policy;
import dev.portcullis.api.v1.Service;
import dev.portcullis.api.v1.Session;
import dev.portcullis.api.v1.User;
import java.util.Optional;

/** What the engine looks up to decide; backed by the replica in the service, by maps in benchmarks. */
public interface Directory {
    Optional<Session> sessionByTokenHash(String tokenHash);

    Optional<User> user(String name);

    Optional<Group> group(String name);

    Optional<Policy> policy(String name);

    Optional<Service> service(String name);
}
