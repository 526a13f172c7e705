package dev.portcullis.pgwire.fuzz;

import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.Close;
import dev.portcullis.pgwire.message.frontend.CopyFail;
import dev.portcullis.pgwire.message.frontend.Describe;
import dev.portcullis.pgwire.message.frontend.Execute;
import dev.portcullis.pgwire.message.frontend.Flush;
import dev.portcullis.pgwire.message.frontend.FunctionCall;
import dev.portcullis.pgwire.message.frontend.GSSENCRequest;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.PasswordMessage;
import dev.portcullis.pgwire.message.frontend.PasswordMessageKind;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.SASLInitialResponse;
import dev.portcullis.pgwire.message.frontend.SASLResponse;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import dev.portcullis.pgwire.message.frontend.Sync;
import dev.portcullis.pgwire.message.frontend.Target;
import dev.portcullis.pgwire.message.frontend.Terminate;
import dev.portcullis.pgwire.protocol.StartupCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Valid frontend messages and startup packets with arbitrary contents, for mutation. */
final class FrontendArbitraries {

    private FrontendArbitraries() {}

    /** Names of statements, portals, parameters: short, sometimes empty. */
    static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12);
    }

    /** Text as a client may send it: any UTF-8 but NUL (which the protocol cannot carry). */
    static Arbitrary<String> texts() {
        return Arbitraries.strings()
                .withCharRange('\u0001', '\u007f')
                .withCharRange('\u00a0', '\ud7ff')
                .ofMaxLength(48);
    }

    static Arbitrary<byte[]> bytes(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
    }

    /** A Bind parameter or FunctionCall argument: bytes, or SQL NULL. */
    static Arbitrary<byte[]> values() {
        return bytes(24).injectNull(0.15);
    }

    /** Format codes: text and binary mostly, any Int16 sometimes. */
    static Arbitrary<Integer> formats() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(0, 1)),
                Tuple.of(1, Arbitraries.shorts().map(Integer::valueOf)));
    }

    /** Format codes for {@code n} values in the protocol's shorthand: none, one for all, or n. */
    static Arbitrary<List<Integer>> formatsFor(int n) {
        return Arbitraries.oneOf(
                Arbitraries.just(List.<Integer>of()),
                formats().list().ofSize(1),
                formats().list().ofSize(n));
    }

    /** Any tagged message a client sends, with {@code 'p'} messages of the given kind. */
    static Arbitrary<FrontendMessage> message(PasswordMessageKind kind) {
        Arbitrary<Target> targets = Arbitraries.of(Target.class);
        Arbitrary<FrontendMessage> bind = values().list()
                .ofMaxSize(6)
                .flatMap(values -> Combinators.combine(
                                names(),
                                names(),
                                formatsFor(values.size()),
                                formats().list().ofMaxSize(4))
                        .as((portal, statement, formats, results) ->
                                new Bind(portal, statement, formats, values, results)));
        Arbitrary<FrontendMessage> functionCall = values().list()
                .ofMaxSize(4)
                .flatMap(arguments -> Combinators.combine(
                                Arbitraries.integers(), formatsFor(arguments.size()), formats())
                        .as((oid, formats, result) -> new FunctionCall(oid, formats, arguments, result)));
        Arbitrary<FrontendMessage> password = switch (kind) {
            case PASSWORD -> texts().map(PasswordMessage::new);
            case SASL_INITIAL_RESPONSE ->
                Combinators.combine(
                                Arbitraries.of("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", ""),
                                bytes(64).injectNull(0.1))
                        .as(SASLInitialResponse::new);
            case SASL_RESPONSE -> bytes(64).map(SASLResponse::new);
        };
        return Arbitraries.oneOf(List.of(
                texts().map(Query::new),
                Combinators.combine(
                                names(), texts(), Arbitraries.integers().list().ofMaxSize(5))
                        .as(Parse::new),
                bind,
                Combinators.combine(names(), Arbitraries.integers()).as(Execute::new),
                Combinators.combine(targets, names()).as(Describe::new),
                Combinators.combine(targets, names()).as(Close::new),
                Arbitraries.of(Sync.INSTANCE, Flush.INSTANCE, Terminate.INSTANCE, CopyDone.INSTANCE),
                bytes(96).map(CopyData::new),
                texts().map(CopyFail::new),
                functionCall,
                password));
    }

    /** Connection parameters: the ones the proxy looks at, extensions, and anything else. */
    static Arbitrary<Map<String, String>> startupParameters() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(
                        4,
                        Arbitraries.of(
                                "database",
                                "application_name",
                                "options",
                                "client_encoding",
                                "replication",
                                "_pq_.protocol_managed_params",
                                "DateStyle")),
                Tuple.of(
                        2,
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofMinLength(1)
                                .ofMaxLength(10)),
                Tuple.of(1, texts().filter(s -> !s.isEmpty())));
        return Combinators.combine(
                        texts(),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.maps(name, texts()).ofMaxSize(5))
                .as((user, where, rest) -> {
                    Map<String, String> parameters = new LinkedHashMap<>();
                    List<Map.Entry<String, String>> entries = new ArrayList<>(rest.entrySet());
                    for (int i = 0; i <= entries.size(); i++) {
                        if (i == where && !rest.containsKey("user")) {
                            parameters.put("user", user); // where == 3 and few entries: sometimes no user at all
                        }
                        if (i < entries.size()) {
                            parameters.put(
                                    entries.get(i).getKey(), entries.get(i).getValue());
                        }
                    }
                    return parameters;
                });
    }

    /** A StartupMessage of protocol 3.0 or a newer 3.x minor version. */
    static Arbitrary<StartupMessage> startupMessage() {
        Arbitrary<Integer> version = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(StartupCode.PROTOCOL_3_0)),
                Tuple.of(
                        1,
                        Arbitraries.integers().between(1, 0xffff).map(minor -> StartupCode.protocolVersion(3, minor))));
        return Combinators.combine(version, startupParameters()).as(StartupMessage::new);
    }

    /** Any packet a connection may open with, including protocol versions the proxy refuses. */
    static Arbitrary<StartupPacket> startupPacket() {
        Arbitrary<StartupMessage> otherVersion = Combinators.combine(
                        Arbitraries.of(2 << 16, 4 << 16, 0, 1234 << 16), startupParameters())
                .as(StartupMessage::new);
        return Arbitraries.frequencyOf(
                Tuple.of(6, startupMessage()),
                Tuple.of(1, otherVersion),
                Tuple.of(1, Arbitraries.of(SSLRequest.INSTANCE, GSSENCRequest.INSTANCE)),
                Tuple.of(1, cancelRequest()));
    }

    static Arbitrary<StartupPacket> cancelRequest() {
        return Combinators.combine(
                        Arbitraries.integers(),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(4).ofMaxSize(256))
                .as(CancelRequest::new);
    }

    /**
     * What a connection sends until it is in: at most two encryption requests, then a
     * StartupMessage and tagged messages; or a lone CancelRequest.
     */
    static Arbitrary<List<FrontendMessage>> connection(PasswordMessageKind kind) {
        Arbitrary<List<FrontendMessage>> session = Combinators.combine(
                        Arbitraries.of(SSLRequest.INSTANCE, GSSENCRequest.INSTANCE)
                                .list()
                                .ofMaxSize(2),
                        startupMessage(),
                        message(kind).list().ofMaxSize(8))
                .as((requests, startup, messages) -> {
                    List<FrontendMessage> all = new ArrayList<>(requests);
                    all.add(startup);
                    all.addAll(messages);
                    return all;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(12, session), Tuple.of(1, cancelRequest().map(List::<FrontendMessage>of)));
    }
}
