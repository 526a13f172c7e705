package dev.portcullis.proxy.audit;

import dev.portcullis.api.v1.PostgresBind;
import dev.portcullis.api.v1.PostgresBindParameter;
import dev.portcullis.api.v1.PostgresClose;
import dev.portcullis.api.v1.PostgresExecute;
import dev.portcullis.api.v1.PostgresFunctionCall;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresParse;
import dev.portcullis.api.v1.PostgresQuery;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.Close;
import dev.portcullis.pgwire.message.frontend.Execute;
import dev.portcullis.pgwire.message.frontend.FrontendMessages;
import dev.portcullis.pgwire.message.frontend.FunctionCall;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.protocol.FrontendTag;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Which frontend messages are audit events, and their details. Query, Parse, Bind, Execute,
 * Close and FunctionCall are; Sync, Flush, Describe and COPY data are not. Query text is capped
 * and password literals are redacted; binary parameters are shown as base64.
 */
public final class FrontendAudit {
    private final int maxQueryBytes;
    private final boolean redactLiterals;

    /** @param redactLiterals the Service's spec.audit.redactLiterals: values never reach the trail */
    public FrontendAudit(int maxQueryBytes, boolean redactLiterals) {
        this.maxQueryBytes = maxQueryBytes;
        this.redactLiterals = redactLiterals;
    }

    /** The event details of a whole frame, or empty when the message is not an audit event. */
    public Optional<PostgresInfo> describe(Frame frame) {
        if (typeOf(frame.tag()) == null) {
            return Optional.empty(); // Sync, Describe, COPY data...: not decoded at all
        }
        FrontendMessage message;
        try {
            message = FrontendMessages.decode(frame.tag(), frame.body());
        } catch (ProtocolException e) {
            return Optional.of(malformed(frame, e));
        }
        return describe(message);
    }

    /** The event details of a message already decoded (per-message authorization decoded it for policy). */
    public Optional<PostgresInfo> describe(FrontendMessage message) {
        if (message instanceof Query q) {
            return Optional.of(query(q.query()));
        } else if (message instanceof Parse p) {
            return Optional.of(parse(p));
        } else if (message instanceof Bind b) {
            return Optional.of(bind(b));
        } else if (message instanceof Execute e) {
            return Optional.of(execute(e));
        } else if (message instanceof Close c) {
            return Optional.of(close(c));
        } else if (message instanceof FunctionCall f) {
            return Optional.of(function(f));
        }
        return Optional.empty();
    }

    /**
     * A message that does not decode: the upstream refuses it too, and the trail still shows that it
     * was sent, with its first bytes: what a malformed statement held is what an auditor needs to see.
     */
    public PostgresInfo malformed(Frame frame, ProtocolException e) {
        int n = Math.min(maxQueryBytes, frame.body().readableBytes());
        byte[] head = new byte[n];
        frame.body().getBytes(frame.body().readerIndex(), head);
        return PostgresInfo.newBuilder()
                .setType(typeOf(frame.tag()))
                .setQuery(PostgresQuery.newBuilder()
                        .setQuery("<malformed message: " + e.getMessage() + "> "
                                + redact(new String(head, StandardCharsets.UTF_8)
                                        .replace('\0', ' ')
                                        .trim()))
                        .setIsTruncated(n < frame.body().readableBytes()))
                .build();
    }

    /** The details of a message too large to hold whole: what its first bytes say. */
    public Optional<PostgresInfo> describeStreamed(byte tag, int bodyLength, byte[] prefix) {
        String type = typeOf(tag);
        if (type == null) {
            return Optional.empty();
        }
        String text =
                new String(prefix, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        return Optional.of(PostgresInfo.newBuilder()
                .setType(type)
                .setQuery(PostgresQuery.newBuilder()
                        .setQuery(redact(text) + " ... <" + bodyLength + " bytes in all>")
                        .setIsTruncated(true))
                .build());
    }

    static String typeOf(byte tag) {
        return switch (tag) {
            case FrontendTag.QUERY -> "QUERY";
            case FrontendTag.PARSE -> "PARSE";
            case FrontendTag.BIND -> "BIND";
            case FrontendTag.EXECUTE -> "EXECUTE";
            case FrontendTag.CLOSE -> "CLOSE";
            case FrontendTag.FUNCTION_CALL -> "FUNCTION_CALL";
            default -> null;
        };
    }

    private PostgresInfo query(String sql) {
        Capped c = cap(sql);
        return PostgresInfo.newBuilder()
                .setType("QUERY")
                .setQuery(PostgresQuery.newBuilder().setQuery(c.text()).setIsTruncated(c.truncated()))
                .build();
    }

    private PostgresInfo parse(Parse p) {
        Capped c = cap(p.query());
        return PostgresInfo.newBuilder()
                .setType("PARSE")
                .setParse(PostgresParse.newBuilder()
                        .setName(p.statement())
                        .setQuery(c.text())
                        .setIsTruncated(c.truncated())
                        .addAllParameterTypes(p.parameterTypes()))
                .build();
    }

    private PostgresInfo bind(Bind b) {
        return PostgresInfo.newBuilder()
                .setType("BIND")
                .setBind(PostgresBind.newBuilder()
                        .setPortal(b.portal())
                        .setStatement(b.statement())
                        .addAllParameters(values(b.parameterFormats(), b.parameterValues())))
                .build();
    }

    private static PostgresInfo execute(Execute e) {
        return PostgresInfo.newBuilder()
                .setType("EXECUTE")
                .setExecute(PostgresExecute.newBuilder().setPortal(e.portal()).setMaxRows(e.maxRows()))
                .build();
    }

    private static PostgresInfo close(Close c) {
        return PostgresInfo.newBuilder()
                .setType("CLOSE")
                .setClose(PostgresClose.newBuilder().setType(c.target().name()).setName(c.name()))
                .build();
    }

    private PostgresInfo function(FunctionCall f) {
        return PostgresInfo.newBuilder()
                .setType("FUNCTION_CALL")
                .setFunctionCall(PostgresFunctionCall.newBuilder()
                        .setOid(f.functionOid())
                        .addAllArguments(values(f.argumentFormats(), f.arguments())))
                .build();
    }

    /** Format codes as the protocol defines them: none = all text, one = all alike, else one each. */
    private List<PostgresBindParameter> values(List<Integer> formats, List<byte[]> values) {
        return java.util.stream.IntStream.range(0, values.size())
                .mapToObj(i -> {
                    byte[] v = values.get(i);
                    if (v == null) {
                        return PostgresBindParameter.newBuilder()
                                .setIsNull(true)
                                .build();
                    }
                    if (redactLiterals) {
                        return PostgresBindParameter.newBuilder().setText("?").build();
                    }
                    int format = formats.isEmpty() ? 0 : formats.size() == 1 ? formats.get(0) : formats.get(i);
                    return format == 0
                            ? PostgresBindParameter.newBuilder()
                                    .setText(cap(new String(v, StandardCharsets.UTF_8))
                                            .text())
                                    .build()
                            : PostgresBindParameter.newBuilder()
                                    .setBinary(Base64.getEncoder()
                                            .encodeToString(
                                                    v.length > maxQueryBytes
                                                            ? java.util.Arrays.copyOf(v, maxQueryBytes)
                                                            : v))
                                    .build();
                })
                .toList();
    }

    private record Capped(String text, boolean truncated) {}

    private String redact(String sql) {
        return redactLiterals ? LiteralRedaction.apply(sql) : PasswordRedaction.apply(sql);
    }

    private Capped cap(String sql) {
        String redacted = redact(sql);
        byte[] bytes = redacted.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxQueryBytes) {
            return new Capped(redacted, false);
        }
        // cut on a character boundary
        String cut = new String(bytes, 0, maxQueryBytes, StandardCharsets.UTF_8);
        if (!cut.isEmpty() && cut.charAt(cut.length() - 1) == '\uFFFD') {
            cut = cut.substring(0, cut.length() - 1);
        }
        return new Capped(cut, true);
    }
}
