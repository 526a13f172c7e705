package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentsTest {

    private static List<String> refs(List<Documents.Doc> docs) {
        return docs.stream().map(Documents.Doc::ref).toList();
    }

    @Test
    void splitsMultiDocumentYamlInOrderSkippingEmptyDocuments() {
        List<Documents.Doc> docs = Documents.parse("""
                # a leading comment
                ---
                kind: Secret
                metadata: {name: pg-password}
                data: {value: s3cret}
                ---
                # only a comment here
                ---
                kind: service
                metadata:
                  name: pg-db
                spec: {port: 5432}
                ---
                """, "f.yaml");
        assertEquals(List.of("secret/pg-password", "service/pg-db"), refs(docs));
        assertEquals(5432, docs.get(1).body().at("/spec/port").asInt());
        // the comment-only document still counts, so that numbers match what the user sees
        assertEquals("document 3", docs.get(1).label());
    }

    @Test
    void jsonObjectArrayAndListsAreAccepted() {
        assertEquals(
                List.of("user/alice"),
                refs(Documents.parse("{\"kind\":\"User\",\"metadata\":{\"name\":\"alice\"}}", "f.json")));
        assertEquals(List.of("user/a", "group/g"), refs(Documents.parse("""
                [{"kind":"User","metadata":{"name":"a"}}, {"kind":"Group","metadata":{"name":"g"}}]""", "f.json")));
        // what `get services -o yaml` prints can be applied back
        List<Documents.Doc> docs = Documents.parse("""
                apiVersion: core/v1
                kind: ServiceList
                items:
                - kind: Service
                  metadata: {name: a}
                - kind: Service
                  metadata: {name: b}
                """, "list.yaml");
        assertEquals(List.of("service/a", "service/b"), refs(docs));
        assertEquals("document 1 item 2", docs.get(1).label());
    }

    @Test
    void documentWithoutKindOrNameIsNamedByItsIndex() {
        CliException noKind = assertThrows(CliException.class, () -> Documents.parse("""
                kind: Group
                metadata: {name: ok}
                ---
                metadata: {name: x}
                """, "f.yaml"));
        assertEquals(
                "f.yaml, document 2: missing kind (one of Service, Secret, User, Group, Policy)", noKind.getMessage());

        CliException noName = assertThrows(CliException.class, () -> Documents.parse("""
                kind: Group
                metadata: {name: ok}
                ---
                kind: Group
                metadata: {}
                """, "f.yaml"));
        assertEquals("f.yaml, document 2: missing metadata.name", noName.getMessage());

        CliException badKind =
                assertThrows(CliException.class, () -> Documents.parse("kind: Pod\nmetadata: {name: p}\n", "f.yaml"));
        assertTrue(badKind.getMessage().startsWith("f.yaml, document 1: unknown kind 'Pod'"), badKind.getMessage());

        CliException scalar = assertThrows(CliException.class, () -> Documents.parse("just text\n", "f.yaml"));
        assertTrue(scalar.getMessage().startsWith("f.yaml, document 1: expected a resource"), scalar.getMessage());
    }

    @Test
    void syntaxErrorsSayWhere() {
        CliException e = assertThrows(CliException.class, () -> Documents.parse("""
                kind: Group
                metadata: {name: ok}
                ---
                kind: Group
                metadata: {name: [unclosed
                """, "f.yaml"));
        assertTrue(e.getMessage().startsWith("f.yaml: invalid document 2 at line "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void flowStyleYamlIsNotMistakenForJson() {
        assertEquals(List.of("group/g"), refs(Documents.parse("{kind: Group, metadata: {name: g}}\n", "f.yaml")));
        CliException broken = assertThrows(
                CliException.class,
                () -> Documents.parse("{\"kind\": \"Group\", \"metadata\": {\"name\": \"g\"}", "f.json"));
        assertTrue(broken.getMessage().startsWith("f.json: invalid document 1 at line 1"), broken.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() {
        CliException e = assertThrows(CliException.class, () -> Documents.parse("""
                kind: Service
                metadata: {name: a}
                spec: {port: 1, port: 2}
                """, "f.yaml"));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void emptyInputIsAnError() {
        CliException e = assertThrows(CliException.class, () -> Documents.parse("# nothing\n", "stdin"));
        assertEquals("stdin: no resources found", e.getMessage());
    }
}
