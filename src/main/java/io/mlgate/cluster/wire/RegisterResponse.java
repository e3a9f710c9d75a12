package io.mlgate.cluster.wire;

/** The answer to a registration: how often the gateway will check the node's health. */
public record RegisterResponse(long healthIntervalMillis) {
}
