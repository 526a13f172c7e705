package dev.portcullis.proxy.session;

import java.time.Duration;

/** The limits a session runs under: its Service's spec.sessionLimits, or the node's defaults. */
public record SessionLimits(Duration idleTimeout, Duration maxLifetime, int maxConnectionsPerUser) {}
