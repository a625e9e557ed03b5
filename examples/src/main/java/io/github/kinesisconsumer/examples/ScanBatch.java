package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.consumer.BatchOptions;
import io.github.kinesisconsumer.consumer.ScanRecord;

import java.time.Duration;

/**
 * The standalone consumer in batches, on the Flink job's app name and store. A shard's checkpoint
 * advances only after its batch was handled, so a batch that fails is read again.
 *
 * <pre>
 * ScanBatch --stream orders --app orders-demo [--store postgres|...] [--batch-size 100]
 *           [--flush-interval 1s] [--max-records N] [--idle-exit 5s] [--endpoint URL]
 * </pre>
 */
public final class ScanBatch {

    private ScanBatch() {}

    public static void main(String[] argv) throws Exception {
        run(Args.parse(argv));
    }

    static long run(Args args) throws Exception {
        BatchOptions options =
                BatchOptions.maxSize(args.getInt("batch-size", 100))
                        .flushInterval(args.getDuration("flush-interval", Duration.ofSeconds(1)));
        return ScanRunner.run(
                "scan-batch",
                args,
                (consumer, runner) ->
                        consumer.scanBatch(
                                batch -> {
                                    ScanRecord first = batch.get(0);
                                    ScanRecord last = batch.get(batch.size() - 1);
                                    System.out.printf(
                                            "scan-batch: %d records of %s, %s .. %s%n",
                                            batch.size(),
                                            first.shardId(),
                                            first.partitionKey(),
                                            last.partitionKey());
                                    if (runner.count(first.shardId(), batch.size())) {
                                        runner.requestStop();
                                    }
                                },
                                options));
    }
}
