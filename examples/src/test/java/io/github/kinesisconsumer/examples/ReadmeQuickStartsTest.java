package io.github.kinesisconsumer.examples;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every line of the README's Java snippets is a line of {@link QuickStarts}, which compiles. */
class ReadmeQuickStartsTest {

    @Test
    void readmeJavaSnippetsAreCompiledCode() throws Exception {
        List<String> readme =
                Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Set<String> compiled = new HashSet<>();
        for (String line :
                Files.readAllLines(
                        Path.of(
                                "src/main/java/io/github/kinesisconsumer/examples/QuickStarts.java"),
                        StandardCharsets.UTF_8)) {
            compiled.add(normalise(line));
        }
        List<String> snippetLines = new ArrayList<>();
        boolean inJava = false;
        for (String line : readme) {
            if (line.startsWith("```")) {
                inJava = !inJava && line.equals("```java");
                continue;
            }
            if (inJava && !line.isBlank()) {
                snippetLines.add(line);
            }
        }
        assertThat(snippetLines).as("the README's Java snippets").hasSizeGreaterThan(20);
        List<String> missing = new ArrayList<>();
        for (String line : snippetLines) {
            if (!compiled.contains(normalise(line))) {
                missing.add(line);
            }
        }
        assertThat(missing).as("README lines not in QuickStarts.java").isEmpty();
    }

    private static String normalise(String line) {
        return line.trim().replaceAll("\\s+", " ");
    }
}
