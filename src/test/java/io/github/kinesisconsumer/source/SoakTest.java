package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.source.ScenarioJob.Outcome;
import io.github.kinesisconsumer.testing.FlinkCluster;
import io.github.kinesisconsumer.testing.KinesaliteProcess;
import io.github.kinesisconsumer.testing.TestStream;
import io.github.kinesisconsumer.testing.WrittenRecord;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load soak (Maven profile {@code soak}, {@code scripts/soak.sh}): a producer writes steadily to a
 * 64-shard stream on a kinesalite of the test's own for {@code soak.minutes} (10) minutes, {@code
 * soak.records} (1,000,000) records in all, while a parallelism-2 job counts them per key in
 * checkpointed state. Each minute it prints the heap used after a full GC and the live thread
 * count; both must stay flat (last minute at most 1.5 x the second), and every record is counted
 * exactly once.
 */
@Tag("soak")
class SoakTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.of(1, 2);

    @Test
    void steadyLoad(@TempDir Path dir) throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 10);
        int records = Integer.getInteger("soak.records", 1_000_000);
        int shards = Integer.getInteger("soak.shards", 64);
        ScenarioJob.reset();
        try (KinesaliteProcess kinesalite = KinesaliteProcess.start(dir.resolve("kinesalite"))) {
            TestStream stream = kinesalite.createStream("soak", shards);
            JobClient job =
                    ScenarioJob.start("soak", kinesalite.clientSettings(), stream.name(), b -> b);
            long start = System.nanoTime();
            CompletableFuture<Map<String, Long>> writer =
                    CompletableFuture.supplyAsync(
                            () -> writeSteadily(stream, records, Duration.ofMinutes(minutes)));
            List<long[]> samples = new ArrayList<>();
            for (int minute = 1; minute <= minutes; minute++) {
                long due = start + TimeUnit.MINUTES.toNanos(minute);
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                long[] sample = sample();
                samples.add(sample);
                System.out.printf(
                        "SOAK minute %d: counted=%d heapAfterGcMB=%d threads=%d%n",
                        minute, KeyedCounts.total(), sample[0] >> 20, sample[1]);
            }
            Map<String, Long> written = writer.get(5, TimeUnit.MINUTES);
            Outcome outcome = ScenarioJob.finish(job, written, Duration.ofMinutes(5));
            System.out.println(
                    outcome.line(
                            0,
                            "soak-" + shards + "-shards-" + minutes + "-min",
                            "none (steady load)",
                            (System.nanoTime() - start) / 1_000_000));
            assertThat(outcome.lost).isZero();
            assertThat(outcome.duplicated).isZero();
            assertThat(outcome.read).isEqualTo(records);
            if (samples.size() >= 3) {
                long[] second = samples.get(1);
                long[] last = samples.get(samples.size() - 1);
                assertThat(last[0])
                        .as("heap after GC, last minute")
                        .isLessThanOrEqualTo(second[0] * 3 / 2);
                assertThat(last[1])
                        .as("live threads, last minute")
                        .isLessThanOrEqualTo(second[1] * 3 / 2);
            }
        }
    }

    /**
     * Writes {@code total} records at an even rate over {@code duration}, up to 500 per call, and
     * returns the records written per key (only counts are kept, so the test's own heap stays
     * flat).
     */
    private static Map<String, Long> writeSteadily(
            TestStream stream, int total, Duration duration) {
        Map<String, Long> perKey = new HashMap<>();
        int written = 0;
        long start = System.nanoTime();
        double perNano = (double) total / duration.toNanos();
        while (written < total) {
            long due = Math.min(total, (long) ((System.nanoTime() - start) * perNano));
            if (due <= written) {
                ScenarioJob.sleep(50);
                continue;
            }
            int base = written;
            int n = (int) Math.min(500, due - base);
            for (WrittenRecord w :
                    stream.put(n, i -> "k" + ((base + i) % 1_000), i -> "soak-" + (base + i))) {
                perKey.merge(w.partitionKey, 1L, Long::sum);
            }
            written += n;
        }
        return perKey;
    }

    /** {heap used after a full GC, live threads}. */
    private static long[] sample() {
        System.gc();
        return new long[] {
            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
            ManagementFactory.getThreadMXBean().getThreadCount()
        };
    }
}
