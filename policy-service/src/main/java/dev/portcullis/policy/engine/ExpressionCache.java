package dev.portcullis.policy.engine;

import dev.portcullis.api.policy.PolicyLanguage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled CEL programs, by expression text: each expression is compiled once (about half a
 * millisecond) however many resources and resource versions carry it. Bounded: past the cap
 * the cache is cleared and refills with what is in use.
 */
public final class ExpressionCache {
    static final int MAX_ENTRIES = 20_000;
    private final ConcurrentHashMap<String, PolicyLanguage.Expression> compiled = new ConcurrentHashMap<>();

    /** @throws PolicyLanguage.InvalidExpressionException for text the API should have refused */
    public PolicyLanguage.Expression get(String source) {
        PolicyLanguage.Expression e = compiled.get(source);
        if (e != null) {
            return e;
        }
        if (compiled.size() >= MAX_ENTRIES) {
            compiled.clear();
        }
        return compiled.computeIfAbsent(source, PolicyLanguage::compile);
    }

    public int size() {
        return compiled.size();
    }
}
