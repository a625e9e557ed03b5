package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.kinesis.ClientSettings;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Writes JSON order events to a stream, with the order id as partition key.
 *
 * <pre>
 * Producer --stream orders [--create-stream 4 [--create-only]] [--count 2000 | --count 0 (steady)]
 *          [--rate 500] [--customers 20] [--first-id 0] [--partition-key order|customer]
 *          [--endpoint URL] [--cbor false]
 * </pre>
 *
 * <p>{@code --rate} is records per second (0: as fast as the stream takes them). Events are
 * numbered from {@code --first-id}; event {@code n} has order id {@code o-n} and customer {@code
 * c(n mod customers)}, so a run can be checked exactly afterwards. Prints its progress every second
 * and {@code producer: wrote N records} at the end. With {@code --partition-key customer} the
 * customer is the partition key, so one customer's events go to one shard (or, after a reshard, to
 * its child) in increasing order, which a reader can check ({@code CountJob --check-order}), unless
 * a throttled entry had to be retried: the final line then says how many were.
 */
public final class Producer {

    private static final int MAX_BATCH = 500;

    private Producer() {}

    public static void main(String[] argv) throws Exception {
        run(Args.parse(argv));
    }

    /** Runs the producer; returns the number of records written. */
    static long run(Args args) throws Exception {
        String stream = args.get("stream", "orders");
        long count = args.getLong("count", 2_000);
        long rate = args.getLong("rate", 1_000);
        int customers = args.getInt("customers", 20);
        long firstId = args.getLong("first-id", 0);
        String partitionKey = args.get("partition-key", "order");
        if (!partitionKey.equals("order") && !partitionKey.equals("customer")) {
            throw new IllegalArgumentException(
                    "--partition-key must be order or customer, not '" + partitionKey + "'");
        }
        boolean byCustomer = partitionKey.equals("customer");
        ClientSettings settings = Setup.kinesis(args);
        try (KinesisAsyncClient client = settings.createAsyncClient()) {
            if (args.has("create-stream")) {
                createStream(client, stream, args.getInt("create-stream", 4));
                if (args.getBoolean("create-only", false)) {
                    return 0;
                }
            }
            long written = 0;
            long retried = 0;
            long startNanos = System.nanoTime();
            long lastReport = startNanos;
            long lastReportCount = 0;
            while (count <= 0 || written < count) {
                int size = (int) Math.min(MAX_BATCH, count <= 0 ? MAX_BATCH : count - written);
                if (rate > 0) {
                    size = (int) Math.max(1, Math.min(size, rate / 10));
                    long due = startNanos + written * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                List<PutRecordsRequestEntry> batch = new ArrayList<>(size);
                long now = System.currentTimeMillis();
                for (int i = 0; i < size; i++) {
                    OrderEvent e = OrderEvent.numbered(firstId + written + i, customers, now);
                    batch.add(
                            PutRecordsRequestEntry.builder()
                                    .partitionKey(byCustomer ? e.customer : e.orderId)
                                    .data(SdkBytes.fromByteArrayUnsafe(e.toJson()))
                                    .build());
                }
                retried += put(client, stream, batch);
                written += size;
                long t = System.nanoTime();
                if (t - lastReport >= 1_000_000_000L) {
                    System.out.printf(
                            "producer: %,d records written%s (%,d/s)%n",
                            written,
                            count > 0 ? " of " + String.format("%,d", count) : "",
                            (written - lastReportCount) * 1_000_000_000L / (t - lastReport));
                    lastReport = t;
                    lastReportCount = written;
                }
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            System.out.printf(
                    "producer: wrote %d records to stream %s in %.1f s (ids o-%d .. o-%d; %d"
                            + " retried)%n",
                    written, stream, seconds, firstId, firstId + written - 1, retried);
            return written;
        }
    }

    /** Creates the stream (if it does not exist yet) and waits until it is active. */
    static void createStream(KinesisAsyncClient client, String stream, int shards)
            throws InterruptedException {
        try {
            client.createStream(b -> b.streamName(stream).shardCount(shards)).join();
            System.out.printf("producer: created stream %s with %d shards%n", stream, shards);
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ResourceInUseException)) {
                throw e;
            }
            System.out.printf("producer: stream %s exists already%n", stream);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.describeStreamSummary(b -> b.streamName(stream))
                        .join()
                        .streamDescriptionSummary()
                        .streamStatus()
                != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + stream + " not active after 60 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * PutRecords, retrying the entries that failed (throttling) with a growing pause; returns the
     * number of entries retried (a retried event can land behind a later one of its key).
     */
    private static long put(
            KinesisAsyncClient client, String stream, List<PutRecordsRequestEntry> entries)
            throws InterruptedException {
        long retried = 0;
        long pauseMillis = 50;
        while (!entries.isEmpty()) {
            List<PutRecordsRequestEntry> request = entries;
            PutRecordsResponse response =
                    client.putRecords(
                                    PutRecordsRequest.builder()
                                            .streamName(stream)
                                            .records(request)
                                            .build())
                            .join();
            if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                return retried;
            }
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(request.get(i));
                }
            }
            entries = failed;
            retried += failed.size();
            Thread.sleep(pauseMillis);
            pauseMillis = Math.min(2_000, pauseMillis * 2);
        }
        return retried;
    }
}
