package dev.portcullis.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a document, each as "field.path: what is wrong". */
final class DocumentProblems {
    private final List<String> items = new ArrayList<>();

    void add(String path, String message) {
        items.add(path + ": " + message);
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    List<String> items() {
        return items;
    }
}
