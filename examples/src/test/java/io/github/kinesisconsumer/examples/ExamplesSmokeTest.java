package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.store.Checkpoint;

import org.apache.flink.formats.json.JsonDeserializationSchema;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every example briefly against kinesis-local ({@code $KC_KINESIS_LOCAL_ENDPOINT}, default
 * http://127.0.0.1:4567; start it with scripts/services.sh), in the order a user would: the
 * producer fills a stream, the Flink job reads it (bounded) and mirrors its positions, then scan
 * and scan-batch take over on the same app name and read exactly what was written after the job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ExamplesSmokeTest {

    private static final String STREAM = "examples-smoke-" + UUID.randomUUID();
    private static final String APP = "smoke-" + UUID.randomUUID();

    private static String[] common(String... more) {
        String[] base = {"--stream", STREAM, "--app", APP, "--web-ui-port", "0"};
        String[] out = new String[base.length + more.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @BeforeAll
    static void createStream() throws Exception {
        long written =
                Producer.run(
                        Args.parse(
                                common("--create-stream", "2", "--count", "300", "--rate", "0")));
        assertThat(written).isEqualTo(300);
    }

    @Test
    @Order(1)
    void producerWritesAtTheGivenRate() throws Exception {
        long start = System.nanoTime();
        long written =
                Producer.run(
                        Args.parse(common("--count", "100", "--rate", "100", "--first-id", "300")));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(written).isEqualTo(100);
        assertThat(seconds).isGreaterThan(0.8); // 100 records at 100/s
    }

    @Test
    @Order(2)
    void flinkJobReadsEverythingAndMirrorsToTheStore() throws Exception {
        for (String store : new String[] {"memory", "postgres"}) {
            OrderWindowJob.Summary summary =
                    OrderWindowJob.run(Args.parse(common("--bounded", "--store", store)));
            assertThat(summary.recordsRead).as(store).isEqualTo(400);
            assertThat(summary.windowsEmitted).as(store).isGreaterThanOrEqualTo(20);
            Map<String, Checkpoint> mirrored =
                    Checkpoints.print(Args.parse(common("--store", store)), APP, STREAM);
            assertThat(mirrored).as(store).hasSize(2);
        }
    }

    @Test
    @Order(3)
    void scanResumesWhereTheJobStopped() throws Exception {
        Producer.run(Args.parse(common("--count", "50", "--first-id", "400", "--rate", "0")));
        long read = Scan.run(Args.parse(common("--store", "memory", "--idle-exit", "2s")));
        assertThat(read).isEqualTo(50);
    }

    @Test
    @Order(4)
    void scanBatchResumesWhereTheScanStopped() throws Exception {
        Producer.run(Args.parse(common("--count", "30", "--first-id", "450", "--rate", "0")));
        long read =
                ScanBatch.run(
                        Args.parse(
                                common(
                                        "--store",
                                        "memory",
                                        "--idle-exit",
                                        "2s",
                                        "--batch-size",
                                        "10")));
        assertThat(read).isEqualTo(30);
    }

    @Test
    @Order(5)
    void twoGroupWorkersShareTheNewRecords() throws Exception {
        Producer.run(Args.parse(common("--count", "40", "--first-id", "480", "--rate", "0")));
        String group = "smoke-group-" + UUID.randomUUID();
        java.util.concurrent.CompletableFuture<Long> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> runWorker(group, "w1"));
        long second = runWorker(group, "w2");
        long total = first.join() + second;
        assertThat(total).as("records read by the two workers together").isEqualTo(40);
    }

    private static long runWorker(String group, String worker) {
        try {
            return GroupWorker.run(
                    Args.parse(
                            common(
                                    "--store",
                                    "memory",
                                    "--group",
                                    group,
                                    "--worker",
                                    worker,
                                    "--lease",
                                    "3s",
                                    "--idle-exit",
                                    "4s")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void orderEventsRoundTripThroughFlinksJsonFormat() throws Exception {
        OrderEvent e = OrderEvent.numbered(42, 20, 1_700_000_000_000L);
        JsonDeserializationSchema<OrderEvent> json = OrderEvent.jsonSchema();
        json.open(null);
        OrderEvent back = json.deserialize(e.toJson());
        assertThat(back.orderId).isEqualTo("o-42");
        assertThat(back.customer).isEqualTo("c02");
        assertThat(back.amount).isEqualTo(e.amount);
        assertThat(back.ts).isEqualTo(1_700_000_000_000L);
        assertThat(back.number()).isEqualTo(42);
    }
}
