package dev.portcullis.api.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.portcullis.api.Kind;
import dev.portcullis.api.v1.Resource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resources and other API messages as JSON and YAML. The JSON is protobuf's canonical JSON
 * mapping (camelCase names, RFC 3339 timestamps); YAML is the same tree in YAML syntax.
 * Parsing is strict: an unknown field is an error, never silently dropped.
 */
public final class ResourceCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .build();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer();
    private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

    private ResourceCodec() {}

    // ------------------------------------------------------------------ resources

    /** One resource from JSON or YAML (JSON is YAML); its {@code kind} field picks the type. */
    public static Resource parse(String text) {
        List<Resource> all = parseAll(text);
        if (all.size() != 1) {
            throw new ResourceFormatException("expected one resource, found " + all.size());
        }
        return all.get(0);
    }

    /** Every document of a multi-document YAML (or a single JSON) text, in order. */
    public static List<Resource> parseAll(String text) {
        List<Resource> out = new ArrayList<>();
        for (JsonNode doc : readTrees(text)) {
            out.add(fromTree(doc, null));
        }
        return out;
    }

    /**
     * A resource of an expected kind: the document may omit {@code kind}, but if it names
     * another kind that is an error.
     */
    public static Resource parse(String text, Kind expected) {
        List<JsonNode> docs = readTrees(text);
        if (docs.size() != 1) {
            throw new ResourceFormatException("expected one resource, found " + docs.size());
        }
        return fromTree(docs.get(0), expected);
    }

    public static Resource fromTree(JsonNode doc, Kind expected) {
        if (!(doc instanceof ObjectNode node)) {
            throw new ResourceFormatException("a resource must be an object with kind, metadata and spec");
        }
        JsonNode kindNode = node.get("kind");
        Kind kind;
        if (kindNode == null || kindNode.asText().isEmpty()) {
            if (expected == null) {
                throw new ResourceFormatException("kind: missing; expected one of " + Kind.allowedNames());
            }
            kind = expected;
        } else {
            kind = Kind.parse(kindNode.asText())
                    .orElseThrow(() -> new ResourceFormatException("kind: unknown kind \"" + kindNode.asText()
                            + "\"; expected one of " + Kind.allowedNames()));
            if (expected != null && kind != expected) {
                throw new ResourceFormatException(
                        "kind: \"" + kindNode.asText() + "\" sent to the " + expected.plural() + " endpoint");
            }
        }
        node.put("kind", kind.displayName());
        Message.Builder builder = kind.newBuilder();
        merge(node, builder, kind.displayName());
        return kind.wrap(builder.build());
    }

    /** Any message from a JSON tree, strictly. {@code what} names the document in errors. */
    public static void merge(JsonNode tree, Message.Builder builder, String what) {
        try {
            PARSER.merge(JSON.writeValueAsString(tree), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new ResourceFormatException(what + ": " + describe(e), e);
        } catch (JsonProcessingException e) {
            throw new ResourceFormatException(what + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Any message from JSON or YAML text. */
    public static <B extends Message.Builder> B merge(String text, B builder) {
        List<JsonNode> docs = readTrees(text);
        if (docs.size() != 1) {
            throw new ResourceFormatException("expected one document, found " + docs.size());
        }
        merge(docs.get(0), builder, builder.getDescriptorForType().getName());
        return builder;
    }

    public static String toJson(Resource resource) {
        return toJson(Kind.of(resource).unwrap(resource));
    }

    public static String toYaml(Resource resource) {
        return toYaml(Kind.of(resource).unwrap(resource));
    }

    // ------------------------------------------------------------------ any message

    /** Pretty JSON, for people. */
    public static String toJson(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
        }
    }

    /** One-line JSON, for the wire (Kafka, storage, SSE). */
    public static String toCompactJson(MessageOrBuilder message) {
        try {
            return COMPACT.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
        }
    }

    public static JsonNode toTree(MessageOrBuilder message) {
        try {
            return JSON.readTree(toCompactJson(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String toYaml(MessageOrBuilder message) {
        return treeToYaml(toTree(message));
    }

    public static String treeToYaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String treeToJson(JsonNode tree) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ internals

    /** Reads JSON or (multi-document) YAML; empty documents ("---" alone) are skipped. */
    public static List<JsonNode> readTrees(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(text)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node != null && !node.isMissingNode() && !node.isNull()) {
                    docs.add(node);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ResourceFormatException("not valid YAML or JSON: " + firstLine(e.getMessage()), e);
        }
        if (docs.isEmpty()) {
            throw new ResourceFormatException("no document found");
        }
        return docs;
    }

    private static String describe(InvalidProtocolBufferException e) {
        String msg = e.getMessage();
        // protobuf names fields by their proto name; users wrote camelCase
        return msg == null ? "invalid document" : firstLine(msg);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
