package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.ShardLister;
import io.github.kinesisconsumer.source.reader.deserializer.KinesisDeserializationSchema;
import io.github.kinesisconsumer.testing.Emulator;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Flink's connector test framework context for {@link KinesisSource}: each test gets a fresh
 * 4-shard stream on kinesalite; split writer number {@code i} writes to shard {@code i} (by
 * explicit hash key), so the framework's "split" is a shard.
 */
final class KinesisExternalContext implements DataStreamSourceExternalContext<String> {

    private static final int SHARDS = 4;

    private final KinesisAsyncClient client;
    private final String streamName;
    private final List<String> hashKeys = new ArrayList<>();
    private int writers;

    KinesisExternalContext() {
        Emulator.KINESALITE.ensureRunning();
        client = Emulator.KINESALITE.clientSettings().createAsyncClient();
        streamName = "connector-suite-" + UUID.randomUUID().toString().substring(0, 8);
        client.createStream(r -> r.streamName(streamName).shardCount(SHARDS)).join();
        while (client.describeStreamSummary(r -> r.streamName(streamName))
                        .join()
                        .streamDescriptionSummary()
                        .streamStatus()
                != StreamStatus.ACTIVE) {
            Thread.onSpinWait();
        }
        for (ShardInfo shard :
                new ShardLister(client, StreamRef.ofName(streamName), "kinesalite").listAll()) {
            hashKeys.add(startingHashKey(shard.shardId()));
        }
    }

    private String startingHashKey(String shardId) {
        return client.listShards(r -> r.streamName(streamName)).join().shards().stream()
                .filter(s -> s.shardId().equals(shardId))
                .findFirst()
                .orElseThrow()
                .hashKeyRange()
                .startingHashKey();
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        KinesisSourceBuilder<String> builder =
                KinesisSource.<String>builder()
                        .streamName(streamName)
                        .appName("connector-suite")
                        .clientSettings(Emulator.KINESALITE.clientSettings())
                        .startingPosition(StartingPosition.trimHorizon())
                        .deserializer(KinesisDeserializationSchema.of(new SimpleStringSchema()));
        if (settings.getBoundedness() == Boundedness.BOUNDED) {
            builder.boundedAtJobStart();
        }
        return builder.build();
    }

    @Override
    public synchronized ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(
            TestingSourceSettings settings) {
        if (writers >= SHARDS) {
            throw new IllegalStateException("the test stream has only " + SHARDS + " shards");
        }
        String hashKey = new BigInteger(hashKeys.get(writers++)).toString();
        return new ExternalSystemSplitDataWriter<String>() {
            @Override
            public void writeRecords(List<String> records) {
                for (int i = 0; i < records.size(); i += 500) {
                    List<PutRecordsRequestEntry> entries = new ArrayList<>();
                    for (String record : records.subList(i, Math.min(records.size(), i + 500))) {
                        entries.add(
                                PutRecordsRequestEntry.builder()
                                        .partitionKey("k")
                                        .explicitHashKey(hashKey)
                                        .data(SdkBytes.fromUtf8String(record))
                                        .build());
                    }
                    PutRecordsResponse response =
                            client.putRecords(r -> r.streamName(streamName).records(entries))
                                    .join();
                    if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                        throw new IllegalStateException("PutRecords failed: " + response);
                    }
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public List<String> generateTestData(
            TestingSourceSettings settings, int splitIndex, long seed) {
        Random random = new Random(seed);
        int count = 50 + random.nextInt(150);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(
                    "split-" + splitIndex + "-" + i + "-" + Long.toHexString(random.nextLong()));
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return Collections.emptyList();
    }

    @Override
    public void close() {
        try {
            client.deleteStream(r -> r.streamName(streamName)).join();
        } finally {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "KinesisSource on kinesalite";
    }
}
