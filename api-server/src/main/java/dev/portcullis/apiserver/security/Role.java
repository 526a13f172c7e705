package dev.portcullis.apiserver.security;

/** Who is calling, by the credential presented. */
public enum Role {
    /** The admin token: the management API (REST, CLI, ResourceService). */
    ADMIN,
    /** policy-service and other planes: may watch resources, including Session token hashes. */
    CLUSTER,
    /** Proxy nodes: may watch resources including Secret values. */
    PROXY
}
