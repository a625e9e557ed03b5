package io.github.kinesisconsumer.migration;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Savepoints a real legacy {@code FlinkKinesisConsumer} job (flink-connector-kinesis 4.3.0-1.19 on
 * Flink 1.20.3) wrote, kept under {@code src/test/resources/legacy-savepoints/}, read by this
 * build: on the 1.20 line and on the 2.x line ({@code -Pflink2}), whose readers must take the state
 * a 1.x job wrote. {@code split}: a parent read to its end, a child discovered but empty, two
 * shards part-read; {@code latest} and {@code at-timestamp}: a shard never read keeps the start.
 *
 * <p>The expected positions are what {@link LegacySavepointPositionsTest} checked against the
 * legacy job's sink when it wrote these savepoints; rerun it with {@code
 * -Djunit.jupiter.tempdir.cleanup.mode.default=NEVER} and copy a savepoint's {@code _metadata} and
 * {@code positions.txt} to make new ones.
 */
class SavepointFixturesTest {

    @ParameterizedTest
    @ValueSource(strings = {"split", "latest", "at-timestamp"})
    void aSavedLegacySavepointReadsAsItsSinkSaw(String name, @TempDir Path dir) throws Exception {
        Path fixture = Paths.get("src/test/resources/legacy-savepoints", name);
        Path savepoint = Files.createDirectory(dir.resolve("savepoint-" + name));
        Files.copy(fixture.resolve("_metadata"), savepoint.resolve("_metadata"));

        assertThat(
                        SavepointPositionsDump.run(
                                SavepointPositionsDump.legacyJar(),
                                savepoint.toString(),
                                "legacy-kinesis",
                                dir))
                .containsExactlyInAnyOrderElementsOf(
                        Files.readAllLines(fixture.resolve("expected-positions.txt")));
    }
}
