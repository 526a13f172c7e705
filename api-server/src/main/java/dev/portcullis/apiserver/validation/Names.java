package dev.portcullis.apiserver.validation;

import java.util.regex.Pattern;

/** Resource names are DNS labels, so they fit in references, hostnames and URLs unchanged. */
public final class Names {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private Names() {}

    public static boolean valid(String name) {
        return name != null && name.length() <= 63 && DNS_LABEL.matcher(name).matches();
    }

    static void check(DocumentProblems problems, String path, String name) {
        if (name == null || name.isEmpty()) {
            problems.add(path, "missing");
        } else if (!valid(name)) {
            problems.add(
                    path,
                    "\"" + name + "\" is not a valid name: use at most 63 lowercase letters, digits"
                            + " and '-', starting and ending with a letter or digit");
        }
    }
}
