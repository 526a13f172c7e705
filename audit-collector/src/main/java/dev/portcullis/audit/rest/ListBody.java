package dev.portcullis.audit.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.audit.search.Page;
import dev.portcullis.audit.search.StoredRow;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The AccessLogList document. Stored events are already one line of JSON, validated when indexed,
 * so they are written as they are rather than parsed and printed again.
 */
final class ListBody {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ListBody() {}

    static String of(Page page) {
        StringWriter out = new StringWriter(256 + page.rows().size() * 1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", "core/v1");
            g.writeStringField("kind", "AccessLogList");
            g.writeArrayFieldStart("items");
            for (StoredRow row : page.rows()) {
                g.writeRawValue(row.json());
            }
            g.writeEndArray();
            if (page.nextCursor() != null) {
                g.writeStringField("nextCursor", page.nextCursor());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
