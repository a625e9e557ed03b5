package io.github.kinesisconsumer.kcl;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.io.BufferedWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real KCL 2.x application for the migration tests: a polling Scheduler from TRIM_HORIZON that
 * writes each record it processes to a file and checkpoints exactly after the last one written,
 * stops taking records once it has written {@code limit} of them (every one of them checkpointed),
 * then shuts its scheduler down and exits.
 *
 * <p>Arguments: kinesis endpoint, DynamoDB endpoint, stream, application (the lease table),
 * output file, limit. Each output line: shard, sequence number, sub-sequence number, partition
 * key, data.
 */
public final class KclWorker {

    private static final AtomicInteger WRITTEN = new AtomicInteger();
    private static final CountDownLatch LIMIT_REACHED = new CountDownLatch(1);
    private static final Object OUTPUT_LOCK = new Object();
    private static volatile boolean stopping;
    private static BufferedWriter output;
    private static int limit;

    private KclWorker() {}

    public static void main(String[] args) throws Exception {
        URI kinesisEndpoint = URI.create(args[0]);
        URI dynamoEndpoint = URI.create(args[1]);
        String stream = args[2];
        String application = args[3];
        output =
                Files.newBufferedWriter(
                        Path.of(args[4]),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
        limit = Integer.parseInt(args[5]);

        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        KinesisAsyncClient kinesis =
                KinesisAsyncClient.builder()
                        .endpointOverride(kinesisEndpoint)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .httpClientBuilder(
                                NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                        .build();
        DynamoDbAsyncClient dynamo =
                DynamoDbAsyncClient.builder()
                        .endpointOverride(dynamoEndpoint)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .build();
        CloudWatchAsyncClient cloudWatch =
                CloudWatchAsyncClient.builder()
                        .endpointOverride(URI.create("http://127.0.0.1:9"))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .build();

        ConfigsBuilder configs =
                new ConfigsBuilder(
                        stream,
                        application,
                        kinesis,
                        dynamo,
                        cloudWatch,
                        "kcl-worker-" + UUID.randomUUID(),
                        Processor::new);
        Scheduler scheduler =
                new Scheduler(
                        configs.checkpointConfig(),
                        configs.coordinatorConfig(),
                        configs.leaseManagementConfig()
                                .failoverTimeMillis(3_000)
                                .shardSyncIntervalMillis(1_000),
                        configs.lifecycleConfig(),
                        configs.metricsConfig().metricsLevel(MetricsLevel.NONE),
                        configs.processorConfig(),
                        configs.retrievalConfig()
                                .initialPositionInStreamExtended(
                                        InitialPositionInStreamExtended.newInitialPosition(
                                                InitialPositionInStream.TRIM_HORIZON))
                                .retrievalSpecificConfig(
                                        new PollingConfig(stream, kinesis)
                                                .idleTimeBetweenReadsInMillis(250)
                                                .maxRecords(25)));
        Thread thread = new Thread(scheduler, "kcl-scheduler");
        thread.setDaemon(true);
        thread.start();

        boolean reached = LIMIT_REACHED.await(120, TimeUnit.SECONDS);
        scheduler.shutdown();
        synchronized (OUTPUT_LOCK) {
            output.close();
        }
        System.out.println("KCL_WORKER written=" + WRITTEN.get() + " limitReached=" + reached);
        System.exit(reached ? 0 : 3);
    }

    private static final class Processor implements ShardRecordProcessor {
        private String shardId;

        @Override
        public void initialize(InitializationInput input) {
            shardId = input.shardId();
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            KinesisClientRecord last = null;
            try {
                synchronized (OUTPUT_LOCK) {
                    for (KinesisClientRecord record : input.records()) {
                        if (stopping) {
                            break;
                        }
                        byte[] data = new byte[record.data().remaining()];
                        record.data().get(data);
                        output.write(
                                shardId + "\t" + record.sequenceNumber() + "\t"
                                        + record.subSequenceNumber() + "\t"
                                        + record.partitionKey() + "\t"
                                        + new String(data, StandardCharsets.UTF_8));
                        output.newLine();
                        last = record;
                        if (WRITTEN.incrementAndGet() >= limit) {
                            stopping = true;
                        }
                    }
                    output.flush();
                }
                if (last != null) {
                    input.checkpointer().checkpoint(last.sequenceNumber(), last.subSequenceNumber());
                }
                if (stopping) {
                    LIMIT_REACHED.countDown();
                }
            } catch (Exception e) {
                throw new IllegalStateException("shard " + shardId, e);
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {}

        @Override
        public void shardEnded(ShardEndedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("shard end of " + shardId, e);
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {}
    }
}
