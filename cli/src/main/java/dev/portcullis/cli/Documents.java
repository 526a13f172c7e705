package dev.portcullis.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits what {@code apply -f} reads into resources: multi-document YAML ({@code ---}
 * separated), JSON (one object, several concatenated, or an array), and the
 * {@code {"kind": "ServiceList", "items": [...]}} that {@code get -o json|yaml} prints, so that
 * its output can be applied back.
 */
public final class Documents {

    /** One resource of the input, with where it came from for error messages. */
    public record Doc(String label, Kind kind, String name, JsonNode body) {
        /** {@code service/pg-db}, as apply's output lines name it. */
        public String ref() {
            return kind.singular() + "/" + name;
        }
    }

    private Documents() {}

    /**
     * Parses and checks every document before anything is sent, so that a typo in the third
     * document does not leave the first two applied.
     *
     * @throws CliException naming the document (1-based) and what is wrong with it
     */
    public static List<Doc> parse(String text, String source) {
        List<JsonNode> trees = readTrees(text, source);
        List<Doc> out = new ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            JsonNode tree = trees.get(i);
            String label = "document " + (i + 1);
            if (isEmpty(tree)) {
                continue; // "---" at the end, or a document holding only comments
            }
            if (tree.isArray()) {
                addItems(out, tree, label, source);
            } else if (tree.isObject()
                    && tree.path("items").isArray()
                    && kindText(tree) != null
                    && kindText(tree).endsWith("List")) {
                addItems(out, tree.get("items"), label, source);
            } else {
                out.add(check(tree, label, source));
            }
        }
        if (out.isEmpty()) {
            throw new CliException(source + ": no resources found");
        }
        return out;
    }

    private static void addItems(List<Doc> out, JsonNode items, String label, String source) {
        for (int j = 0; j < items.size(); j++) {
            out.add(check(items.get(j), label + " item " + (j + 1), source));
        }
    }

    static Doc check(JsonNode tree, String label, String source) {
        String where = source + ", " + label;
        if (!tree.isObject()) {
            throw new CliException(where + ": expected a resource (kind, metadata, spec), found "
                    + tree.getNodeType().toString().toLowerCase());
        }
        String kindText = kindText(tree);
        if (kindText == null) {
            throw new CliException(where + ": missing kind (one of Service, Secret, User, Group, Policy)");
        }
        Kind kind = Kind.parse(kindText)
                .orElseThrow(() -> new CliException(
                        where + ": unknown kind '" + kindText + "' (one of Service, Secret, User, Group, Policy)"));
        JsonNode name = tree.path("metadata").path("name");
        if (!name.isTextual() || name.asText().isBlank()) {
            throw new CliException(where + ": missing metadata.name");
        }
        return new Doc(label, kind, name.asText(), tree);
    }

    /** Jackson reads an empty YAML document as null or as an empty string, depending on where it is. */
    static boolean isEmpty(JsonNode tree) {
        return tree == null
                || tree.isNull()
                || tree.isMissingNode()
                || (tree.isTextual() && tree.asText().isEmpty());
    }

    private static String kindText(JsonNode tree) {
        JsonNode k = tree.get("kind");
        return k != null && k.isTextual() && !k.asText().isBlank() ? k.asText().trim() : null;
    }

    /**
     * Every top-level value, in order. Text that starts like JSON is read as JSON first, for
     * JSON's exact error positions; if that fails it may still be flow-style YAML
     * ({@code {kind: Group, ...}}), so YAML gets a chance before the JSON error is reported.
     */
    static List<JsonNode> readTrees(String text, String source) {
        String t = text.stripLeading();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                return readAll(Json.JSON, text, source);
            } catch (CliException jsonError) {
                try {
                    return readAll(Json.YAML, text, source);
                } catch (CliException yamlError) {
                    throw jsonError;
                }
            }
        }
        return readAll(Json.YAML, text, source);
    }

    private static List<JsonNode> readAll(ObjectMapper mapper, String text, String source) {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                out.add(it.nextValue());
            }
        } catch (JsonProcessingException e) {
            throw new CliException(source + ": " + describe(e, out.size() + 1), e);
        } catch (IOException e) {
            throw new CliException(source + ": cannot parse document " + (out.size() + 1) + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String describe(JsonProcessingException e, int docNumber) {
        JsonLocation loc = e.getLocation();
        String at = loc == null || loc.getLineNr() < 1
                ? ""
                : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return "invalid document " + docNumber + at + ": " + Problems.oneLine(e.getOriginalMessage());
    }
}
