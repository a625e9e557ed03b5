package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.consumer.KinesisConsumer;
import io.github.kinesisconsumer.consumer.ScanResult;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.testing.Emulator;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A group member in its own JVM, for kill -9 tests: {@code <stream> <group> <workerId>
 * <deliveries-file> <owned-file>}. Appends each delivered payload to the deliveries file; with
 * {@code -Dgroup.journal=true} it writes {@link JournalingGroup} lines instead (deliveries and
 * fenced checkpoints). {@code -Dgroup.kinesis.endpoint=<url>} reads Kinesis through that endpoint
 * (a fault proxy; JSON, CBOR off); DynamoDB is at {@code KC_DYNAMODB_ENDPOINT}.
 */
public final class GroupWorkerProcess {

    private GroupWorkerProcess() {}

    public static void main(String[] args) throws Exception {
        String stream = args[0];
        String group = args[1];
        String worker = args[2];
        String pg =
                System.getenv().getOrDefault("KC_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        CheckpointStore store =
                PostgresCheckpointStore.builder()
                        .jdbcUrl(pg)
                        .user("postgres")
                        .tableName("kc_group_checkpoints")
                        .createTable(true)
                        .build();
        boolean journal = Boolean.getBoolean("group.journal");
        String endpoint = System.getProperty("group.kinesis.endpoint");
        ClientSettings kinesis =
                endpoint == null
                        ? Emulator.KINESIS_LOCAL.clientSettings()
                        : ClientSettings.builder()
                                .region("us-east-1")
                                .endpoint(endpoint)
                                .credentials(Credentials.basic("local", "local"))
                                .cborEnabled(false)
                                .apiCallAttemptTimeout(Duration.ofSeconds(5))
                                .build();
        DynamoDbLeaseGroup leases =
                DynamoDbLeaseGroup.builder()
                        .tableName("kc_group_leases")
                        .groupName(group)
                        .workerId(worker)
                        .region("us-east-1")
                        .endpoint(GroupWorker.ddbEndpoint())
                        .credentials(Credentials.basic("local", "local"))
                        .createTable(true)
                        .leasePeriod(GroupWorker.LEASE)
                        .renewInterval(Duration.ofSeconds(1))
                        .takeInterval(Duration.ofMillis(300))
                        .build();
        OutputStream out = new FileOutputStream(args[3], true);
        JournalingGroup journaled = journal ? new JournalingGroup(leases, out) : null;
        try (out;
                KinesisConsumer consumer =
                        KinesisConsumer.builder()
                                .streamName(stream)
                                .appName(group)
                                .clientSettings(kinesis)
                                .checkpointStore(store)
                                .startingPosition(StartingPosition.trimHorizon())
                                .discoveryInterval(Duration.ofSeconds(1))
                                .pollerOptions(
                                        PollerOptions.builder()
                                                .idlePollInterval(Duration.ofMillis(50))
                                                .build())
                                .group(journal ? journaled : leases)
                                .build()) {
            consumer.scan(
                    r -> {
                        if (journaled != null) {
                            journaled.delivered(
                                    System.currentTimeMillis(),
                                    r.shardId(),
                                    r.sequenceNumber(),
                                    r.dataAsString());
                            return ScanResult.CONTINUE;
                        }
                        out.write((r.dataAsString() + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        return ScanResult.CONTINUE;
                    });
        }
    }
}
