package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.Producer;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.kinesisconsumer.group.DynamoDbLeaseGroupTest.waitMillis;
import static org.assertj.core.api.Assertions.assertThat;

/** A worker in its own JVM is killed with SIGKILL; the survivor takes its shards. */
class GroupProcessKillTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void killedWorkersShardsAreTakenAndNothingIsLost(@TempDir Path dir) throws Exception {
        TestStream stream = KINESIS.createStream(6);
        String group = "kill-" + UUID.randomUUID();
        Path file = dir.resolve("process-deliveries.txt");
        Files.createFile(file);
        Process process =
                new ProcessBuilder(
                                javaBin(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                GroupWorkerProcess.class.getName(),
                                stream.name(),
                                group,
                                "p",
                                file.toString(),
                                "-")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("process.log").toFile())
                        .start();
        String pg =
                System.getenv().getOrDefault("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        try (CheckpointStore store =
                        PostgresCheckpointStore.builder()
                                .jdbcUrl(pg)
                                .user("postgres")
                                .tableName("kc_group_checkpoints")
                                .createTable(true)
                                .build();
                GroupWorker b =
                        new GroupWorker(
                                        "b",
                                        "kc_group_leases",
                                        group,
                                        KINESIS.clientSettings(),
                                        stream.name(),
                                        store,
                                        deliveries)
                                .start()) {
            waitMillis(() -> b.owned() == 3, Duration.ofSeconds(60), System.nanoTime());
            Producer producer = Producer.start(stream, 61, 30, 50, "r-");
            waitMillis(() -> lines(file).size() > 200, Duration.ofSeconds(60), System.nanoTime());
            Set<String> bShardsBefore = new HashSet<>(b.group.ownedShards());

            process.destroyForcibly();
            process.waitFor();
            long killed = System.nanoTime();
            long failover = waitMillis(() -> b.owned() == 6, Duration.ofSeconds(30), killed);
            System.out.printf(
                    "kill -9: the survivor owned all 6 shards %d ms after the kill (lease period %d"
                            + " ms, renew interval 1000 ms, take interval 300 ms)%n",
                    failover, GroupWorker.LEASE.toMillis());
            assertThat(failover)
                    .isLessThanOrEqualTo(GroupWorker.LEASE.toMillis() + 1_000 + 300 + 500);
            Thread.sleep(2_000);
            int total = producer.stop();
            waitMillis(
                    () -> {
                        Set<String> all = new HashSet<>(deliveries.keySet());
                        all.addAll(lines(file));
                        return all.size() >= total;
                    },
                    Duration.ofSeconds(60),
                    System.nanoTime());
            Set<String> all = new HashSet<>(deliveries.keySet());
            List<String> fromProcess = lines(file);
            all.addAll(fromProcess);
            int redelivered = 0;
            for (String p : fromProcess) {
                if (deliveries.containsKey(p)) {
                    redelivered++;
                }
            }
            System.out.printf(
                    "kill -9: %d written, %d delivered (%d by the killed process), %d delivered"
                            + " again after the kill (at-least-once), 0 lost; b kept %s%n",
                    total, all.size(), fromProcess.size(), redelivered, bShardsBefore);
            for (int i = 0; i < total; i++) {
                assertThat(all).as("record r-%d", i).contains("r-" + i);
            }
            for (AtomicInteger n : deliveries.values()) {
                assertThat(n.get()).as("the survivor delivers each record once").isEqualTo(1);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
