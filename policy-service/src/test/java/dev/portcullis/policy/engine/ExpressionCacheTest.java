package dev.portcullis.policy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.api.policy.PolicyLanguage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Each expression is compiled once: later lookups of the same text get the program already compiled. */
class ExpressionCacheTest {
    private static final String PROD = "\"prod\" in ctx.user.spec.groups";

    @Test
    void theSameTextIsCompiledOnce() {
        // compiling makes a new program every time, so getting the same object back means no recompilation
        assertNotSame(PolicyLanguage.compile(PROD), PolicyLanguage.compile(PROD));

        ExpressionCache cache = new ExpressionCache();
        PolicyLanguage.Expression first = cache.get(PROD);
        // equal text in another String, as a later resource version of the same policy carries it
        PolicyLanguage.Expression again = cache.get(new String(PROD.toCharArray()));
        assertSame(first, again);
        assertEquals(1, cache.size());

        PolicyLanguage.Expression other = cache.get("ctx.user.metadata.name == \"bob\"");
        assertNotSame(first, other);
        assertEquals(2, cache.size());
        assertSame(first, cache.get(PROD));
    }

    @Test
    void concurrentFirstLookupsShareOneProgram() throws Exception {
        ExpressionCache cache = new ExpressionCache();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<PolicyLanguage.Expression>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.get(PROD);
                }));
            }
            go.countDown();
            Set<PolicyLanguage.Expression> distinct = ConcurrentHashMap.newKeySet();
            for (Future<PolicyLanguage.Expression> f : results) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size());
            assertEquals(1, cache.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExpressionThatDoesNotCompileIsNotCached() {
        ExpressionCache cache = new ExpressionCache();
        assertThrows(PolicyLanguage.InvalidExpressionException.class, () -> cache.get("ctx.user.name == "));
        assertEquals(0, cache.size());
    }
}
