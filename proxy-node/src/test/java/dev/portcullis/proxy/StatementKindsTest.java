package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.proxy.policy.StatementKinds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bypasses a text-matching rule would miss are visible to a policy on statement kinds. */
class StatementKindsTest {
    @Test
    void kindsOfWhatTheTextReallyDoes() {
        assertEquals(List.of("SELECT"), StatementKinds.of("select * from t"));
        assertEquals(List.of("SELECT"), StatementKinds.of("  /* a comment */\n  SELECT 1 -- trailing"));
        assertEquals(List.of("SELECT", "DROP"), StatementKinds.of("SELECT 1; DROP TABLE t"));
        assertEquals(
                List.of("SELECT", "UPDATE"),
                StatementKinds.of("WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x"));
        assertEquals(List.of("UPDATE"), StatementKinds.of("update t set a = 2 where id = $1"));
        assertEquals(List.of("INSERT"), StatementKinds.of("insert into t values (1)"));
        assertEquals(List.of("DELETE"), StatementKinds.of("delete from t"));
        assertEquals(List.of("CREATE"), StatementKinds.of("create table t2 (a int)"));
        assertEquals(List.of("TRUNCATE"), StatementKinds.of("truncate t"));
        assertEquals(List.of("BEGIN"), StatementKinds.of("BEGIN"));
        assertEquals(List.of("BEGIN"), StatementKinds.of("start transaction isolation level serializable"));
        assertEquals(List.of("COMMIT"), StatementKinds.of("commit;"));
        assertEquals(List.of("ROLLBACK"), StatementKinds.of("ROLLBACK TO SAVEPOINT s1"));
        assertEquals(
                List.of(StatementKinds.UNKNOWN),
                StatementKinds.of("begin; drop table t"),
                "a transaction keyword does not hide what follows it");
    }

    @Test
    void nothingHidesBehindABackslashedQuote() {
        // E'\'' is one quote; with standard_conforming_strings off so is '\''; either way an UPDATE follows
        assertEquals(List.of("SELECT", "UPDATE"), StatementKinds.of("select E'\\'' ; update t set a = 9; --'"));
        assertEquals(List.of("SELECT", "UPDATE"), StatementKinds.of("select 'a\\'' ; update t set a = 9; --'"));
        assertEquals(List.of("SELECT"), StatementKinds.of("select E'a\\nb', 'C:\\dir\\file'"));
    }

    @Test
    void unreadableTextIsUnknownNotSelect() {
        assertEquals(List.of(StatementKinds.UNKNOWN), StatementKinds.of("selec * frm"));
        assertEquals(List.of(), StatementKinds.of("   "));
    }
}
