package io.github.kinesisconsumer.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes the version-1 serializer fixtures. Skipped unless {@code
 * -Dkc.regenerateSerializerFixtures=true}; it was run once, when version 1 was the current layout,
 * and must not be run again after the layout changes.
 */
class RegenerateSerializerFixtures {

    @Test
    @EnabledIfSystemProperty(named = "kc.regenerateSerializerFixtures", matches = "true")
    void writeVersion1Fixtures() throws Exception {
        Path dir = Paths.get("src", "test", "resources", "serializer-fixtures");
        SerializerFixtures.writeVersion1(dir);
    }
}
