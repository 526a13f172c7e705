package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * StartupMessage: protocol version and the connection parameters ({@code user}, {@code database},
 * {@code application_name}, {@code client_encoding}, {@code options}, {@code replication}, any
 * GUC, and {@code _pq_.*} protocol extensions), in the order the client sent them.
 *
 * <p>Decoding checks the layout only; what is allowed (a missing {@code user}, {@code options},
 * {@code replication}) is the proxy's decision.
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {

    /** Prefix of protocol-extension parameters, which a server must list back if it ignores them. */
    public static final String PROTOCOL_EXTENSION_PREFIX = "_pq_.";

    public StartupMessage {
        for (String name : parameters.keySet()) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("an empty parameter name would end the list early");
            }
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A protocol 3.0 StartupMessage. */
    public static StartupMessage of(Map<String, String> parameters) {
        return new StartupMessage(StartupCode.PROTOCOL_3_0, parameters);
    }

    static StartupMessage decodeAfterCode(int protocolVersion, ByteBuf body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            if (!body.isReadable()) {
                throw new ProtocolException("invalid startup packet layout: expected terminator as last byte");
            }
            String name = Wire.readCString(body, "startup parameter name");
            if (name.isEmpty()) {
                break;
            }
            String value = Wire.readCString(body, "value of startup parameter \"" + name + "\"");
            // PostgreSQL would let the last duplicate win; refusing removes any doubt about which
            // user or database the proxy authorized versus which one a server would see
            if (parameters.putIfAbsent(name, value) != null) {
                throw new ProtocolException("invalid startup packet: parameter \"" + name + "\" appears twice");
            }
        }
        if (body.isReadable()) {
            throw new ProtocolException("invalid startup packet layout: expected terminator as last byte");
        }
        return new StartupMessage(protocolVersion, parameters);
    }

    public int majorVersion() {
        return StartupCode.majorVersion(protocolVersion);
    }

    public int minorVersion() {
        return StartupCode.minorVersion(protocolVersion);
    }

    /** The value of {@code name}, or {@code null} if the client did not send it. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    /** The {@code user} parameter, or {@code null}: PostgreSQL refuses a startup without one. */
    public String user() {
        return parameters.get("user");
    }

    /** The {@code database} parameter as sent, or {@code null}. */
    public String database() {
        return parameters.get("database");
    }

    /** The database PostgreSQL would connect to: {@code database}, defaulting to {@code user}. */
    public String databaseOrUser() {
        String database = parameters.get("database");
        return database == null || database.isEmpty() ? user() : database;
    }

    /** The {@code application_name} parameter, or {@code null}. */
    public String applicationName() {
        return parameters.get("application_name");
    }

    /**
     * The {@code _pq_.*} parameters, which a server that does not know them must name in
     * NegotiateProtocolVersion.
     */
    public Map<String, String> protocolExtensions() {
        Map<String, String> extensions = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name.startsWith(PROTOCOL_EXTENSION_PREFIX)) {
                extensions.put(name, value);
            }
        });
        return Collections.unmodifiableMap(extensions);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginUntagged(out);
        out.writeInt(protocolVersion);
        parameters.forEach((name, value) -> {
            Wire.writeCString(out, name);
            Wire.writeCString(out, value);
        });
        out.writeByte(0);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public String toString() {
        return "StartupMessage[protocol " + StartupCode.versionString(protocolVersion) + ", " + parameters + "]";
    }
}
