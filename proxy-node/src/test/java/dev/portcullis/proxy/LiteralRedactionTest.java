package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.proxy.audit.LiteralRedaction;
import org.junit.jupiter.api.Test;

class LiteralRedactionTest {
    @Test
    void valuesGoIdentifiersStay() {
        assertEquals(
                "select * from t1 where name = ? and id > ? and x = $1",
                LiteralRedaction.apply("select * from t1 where name = 'bob''s' and id > 42 and x = $1"));
        assertEquals(
                "insert into \"My 'Table'\" values (?, ?, ?)",
                LiteralRedaction.apply("insert into \"My 'Table'\" values (E'a\\n', 3.14, $tag$secret$tag$)"));
        assertEquals(
                "select col2 -- it's 1 comment\n, ?", LiteralRedaction.apply("select col2 -- it's 1 comment\n, 1e5"));
        assertEquals("select ?", LiteralRedaction.apply("select 'unterminated"));
    }

    @Test
    void aBackslashedQuoteDoesNotEndAnEscapeLiteral() {
        assertEquals("select ?, ?", LiteralRedaction.apply("select E'it\\'s card-4111', 'x'"));
        assertEquals("select ?, ?", LiteralRedaction.apply("select e'ends with a backslash\\\\', 'card-4111'"));
    }
}
