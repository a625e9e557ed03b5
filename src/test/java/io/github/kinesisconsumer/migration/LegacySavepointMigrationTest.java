package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.CheckpointStoreFactory;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * From a real legacy {@code FlinkKinesisConsumer} job to {@link KinesisSource}: the legacy job
 * (flink-connector-kinesis 4.3.0-1.19, in a JVM of its own) reads part of a kinesis-local stream
 * that is split while it reads, and stops with a savepoint; the command-line tool (also with the
 * legacy jar) writes the savepoint's positions into PostgreSQL; a KinesisSource job then reads
 * every record the legacy job had not processed, exactly once. The records the legacy job processed
 * are those its sink committed at the savepoint.
 */
class LegacySavepointMigrationTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    static final String PG = env("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String UID = "legacy-kinesis";
    private static final String STORE_TABLE = "kc_migration";
    static final ConcurrentLinkedQueue<String[]> READ = new ConcurrentLinkedQueue<>();

    private final String app = "from-legacy-" + UUID.randomUUID();
    private int nextPayload;

    @Test
    void aKinesisSourceJobReadsWhatTheLegacyJobLeftExactlyOnce(@TempDir Path dir) throws Exception {
        TestStream stream = KINESIS.createStream(2);
        List<WrittenRecord> written = new ArrayList<>(put(stream, 300));
        Process legacy =
                java(dir.resolve("legacy.log"))
                        .command(
                                command(
                                        LegacyJobProcess.class.getName(),
                                        KINESIS.emulator().endpoint(),
                                        stream.name(),
                                        UID,
                                        dir.toString()))
                        .start();
        Path processed = dir.resolve("processed.txt");
        try {
            waitUpTo(() -> lines(processed).size() >= 60, "the legacy job's first records", dir);
            String parent = stream.shardIds().get(0);
            stream.split(parent);
            written.addAll(put(stream, 300));
            waitUpTo(() -> lines(processed).size() >= 250, "the legacy job reading on", dir);
            Files.createFile(dir.resolve("stop"));
            waitUpTo(() -> Files.exists(dir.resolve("savepoint")), "the savepoint", dir);
            assertThat(legacy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            legacy.destroyForcibly();
        }
        String savepoint = Files.readString(dir.resolve("savepoint")).trim();
        List<String> legacyRead = lines(processed);
        System.out.printf(
                "legacy job: processed %d of %d records, savepoint %s%n",
                legacyRead.size(), written.size(), savepoint);
        assertThat(legacyRead.size()).as("the legacy job stopped part-way").isLessThan(600);
        assertThatThrownBy(() -> LegacySavepointPositions.forUid(savepoint, UID).read())
                .as("read where the legacy connector's classes are missing (this JVM)")
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("needs the legacy connector's classes")
                .hasMessageContaining("flink-connector-kinesis");

        Process tool =
                java(dir.resolve("tool.log"))
                        .command(
                                command(
                                        MigratePositions.class.getName(),
                                        "--from=legacy-savepoint",
                                        "--savepoint=" + savepoint,
                                        "--uid=" + UID,
                                        "--stream=" + stream.name(),
                                        "--kinesis.endpoint=" + KINESIS.emulator().endpoint(),
                                        "--app=" + app,
                                        "--checkpoint-store.type=postgres",
                                        "--checkpoint-store.url=" + PG,
                                        "--checkpoint-store.user=postgres",
                                        "--checkpoint-store.table=" + STORE_TABLE,
                                        "--create-table"))
                        .start();
        assertThat(tool.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String toolOutput = Files.readString(dir.resolve("tool.log"));
        System.out.println(toolOutput);
        assertThat(tool.exitValue()).as(toolOutput).isZero();
        assertThat(toolOutput).contains("RESUME_AFTER").contains("written to");
        try (CheckpointStore store = stores().create()) {
            Map<String, Checkpoint> stored = store.getAll(app, stream.name());
            System.out.println("stored: " + stored);
            assertThat(stored).isNotEmpty();
        }

        written.addAll(put(stream, 200));
        READ.clear();
        JobClient job = startSource(stream, StartingPosition.latest());
        try {
            int remaining = written.size() - legacyRead.size();
            waitUpTo(() -> READ.size() >= remaining, "the new job's records", dir);
            Thread.sleep(2_000);
        } finally {
            job.cancel().get();
        }
        List<String[]> newRead = new ArrayList<>(READ);
        System.out.printf(
                "legacy savepoint migration: legacy %d + new %d = %d of %d written%n",
                legacyRead.size(),
                newRead.size(),
                legacyRead.size() + newRead.size(),
                written.size());

        Map<String, Integer> times = new HashMap<>();
        legacyRead.forEach(p -> times.merge(p, 1, Integer::sum));
        newRead.forEach(r -> times.merge(r[1], 1, Integer::sum));
        Map<String, Integer> wrong = new LinkedHashMap<>();
        for (WrittenRecord w : written) {
            int n = times.getOrDefault(w.text(), 0);
            if (n != 1) {
                wrong.put(w.text() + "@" + w.shardId, n);
            }
        }
        assertThat(wrong)
                .as("records read other than exactly once (payload@shard: times)")
                .isEmpty();
        assertThat(times).hasSize(written.size());
        assertInKeyOrder(newRead, written);
    }

    @Test
    void badSavepointInputIsRefusedNamingWhatToFix(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> LegacySavepointPositions.forUid(dir.toString(), UID).read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a readable savepoint")
                .hasMessageContaining("_metadata");

        TestStream stream = KINESIS.createStream(1);
        put(stream, 20);
        READ.clear();
        JobClient job = startSource(stream, StartingPosition.trimHorizon());
        waitUpTo(() -> READ.size() >= 20, "the job's records", dir);
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                dir.resolve("sp").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);

        assertThatThrownBy(() -> LegacySavepointPositions.forUid(savepoint, "no-such-uid").read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no operator with uid 'no-such-uid'")
                .hasMessageContaining("operators with state: [");
        assertThatThrownBy(
                        () -> LegacySavepointPositions.forUid(savepoint, "kinesis-source").read())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no FlinkKinesisConsumer state")
                .hasMessageContaining("is this a savepoint of the job that read with");
        assertThatThrownBy(() -> LegacySavepointPositions.forUidHash(savepoint, "xyz"))
                .hasMessageContaining("32 hex digits");
    }

    private JobClient startSource(TestStream stream, StartingPosition fallback) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        KinesisSource.<Tuple2<String, String>>builder()
                                .streamName(stream.name())
                                .appName(app)
                                .clientSettings(KINESIS.clientSettings())
                                .checkpointStore(stores())
                                .startingPosition(StartingPosition.fromStore(fallback))
                                .deserializer(new KeyAndPayload())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "kinesis")
                .uid("kinesis-source")
                .map(new Collect())
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("after the legacy job");
    }

    private static CheckpointStoreFactory stores() {
        return () ->
                PostgresCheckpointStore.builder()
                        .jdbcUrl(PG)
                        .user("postgres")
                        .tableName(STORE_TABLE)
                        .createTable(true)
                        .build();
    }

    /** (partition key, payload). */
    static final class KeyAndPayload
            implements KinesisDeserializationSchema<Tuple2<String, String>> {
        @Override
        public void deserialize(KinesisRecord record, Collector<Tuple2<String, String>> out) {
            out.collect(Tuple2.of(record.partitionKey(), record.dataAsString()));
        }

        @Override
        public TypeInformation<Tuple2<String, String>> getProducedType() {
            return Types.TUPLE(Types.STRING, Types.STRING);
        }
    }

    static final class Collect implements MapFunction<Tuple2<String, String>, String> {
        @Override
        public String map(Tuple2<String, String> r) {
            READ.add(new String[] {r.f0, r.f1});
            return r.f1;
        }
    }

    private static void assertInKeyOrder(List<String[]> read, List<WrittenRecord> written) {
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < written.size(); i++) {
            order.put(written.get(i).text(), i);
        }
        Map<String, Integer> lastByKey = new HashMap<>();
        for (String[] r : read) {
            int at = order.get(r[1]);
            Integer before = lastByKey.put(r[0], at);
            assertThat(before == null || before < at)
                    .as("key %s: %s read after a later record", r[0], r[1])
                    .isTrue();
        }
    }

    static ProcessBuilder java(Path log) {
        return new ProcessBuilder().redirectErrorStream(true).redirectOutput(log.toFile());
    }

    static List<String> command(String mainClass, String... args) {
        String legacyJar =
                new File("target/legacy-connector/flink-connector-kinesis-4.3.0-1.19.jar")
                        .getAbsolutePath();
        assertThat(new File(legacyJar)).as("the legacy connector, copied by the build").exists();
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("-Daws.accessKeyId=local");
        cmd.add("-Daws.secretAccessKey=local");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path") + File.pathSeparator + legacyJar);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private List<WrittenRecord> put(TestStream stream, int count) {
        int base = nextPayload;
        nextPayload += count;
        return stream.put(count, i -> "key-" + ((base + i) % 20), i -> "r-" + (base + i));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file)
                    ? Files.readAllLines(file, StandardCharsets.UTF_8)
                    : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waitUpTo(BooleanSupplier condition, String what, Path dir)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Path log = dir.resolve("legacy.log");
                throw new AssertionError(
                        "timed out waiting for "
                                + what
                                + (Files.exists(log) ? "; legacy job log:\n" + tail(log) : ""));
            }
            Thread.sleep(100);
        }
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> all = Files.readAllLines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - 60), all.size()));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
