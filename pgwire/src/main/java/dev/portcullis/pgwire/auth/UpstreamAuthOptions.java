package dev.portcullis.pgwire.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an upstream login may accept.
 *
 * @param channelBinding use of SCRAM channel binding; {@link ChannelBindingMode#REQUIRE} also
 *     rules out every method but SCRAM-SHA-256-PLUS
 * @param maxScramIterations the largest PBKDF2 iteration count a server may demand; PostgreSQL
 *     uses 4096 unless {@code scram_iterations} is raised, and each iteration costs the proxy CPU
 * @param allowedMethods methods the server may ask for; anything else fails the login
 */
public record UpstreamAuthOptions(
        ChannelBindingMode channelBinding, int maxScramIterations, Set<AuthMethod> allowedMethods) {

    /** Default cap on SCRAM iterations: 24 times PostgreSQL's default, well under 100 ms of CPU. */
    public static final int DEFAULT_MAX_SCRAM_ITERATIONS = 100_000;

    /** Prefer channel binding, cap iterations at 100000, accept every method. */
    public static final UpstreamAuthOptions DEFAULTS = new UpstreamAuthOptions(
            ChannelBindingMode.PREFER, DEFAULT_MAX_SCRAM_ITERATIONS, EnumSet.allOf(AuthMethod.class));

    public UpstreamAuthOptions {
        Objects.requireNonNull(channelBinding, "channelBinding");
        if (maxScramIterations < 1) {
            throw new IllegalArgumentException("maxScramIterations must be positive");
        }
        allowedMethods = allowedMethods.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(allowedMethods));
    }

    public UpstreamAuthOptions withChannelBinding(ChannelBindingMode mode) {
        return new UpstreamAuthOptions(mode, maxScramIterations, allowedMethods);
    }

    public UpstreamAuthOptions withMaxScramIterations(int iterations) {
        return new UpstreamAuthOptions(channelBinding, iterations, allowedMethods);
    }

    public UpstreamAuthOptions withAllowedMethods(Set<AuthMethod> methods) {
        return new UpstreamAuthOptions(channelBinding, maxScramIterations, methods);
    }
}
