package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.consumer.ScanResult;

/**
 * The standalone consumer, record by record, on the Flink job's app name and store: it starts where
 * the job's last mirrored checkpoint left off.
 *
 * <pre>
 * Scan --stream orders --app orders-demo [--store postgres|...] [--max-records N] [--idle-exit 5s]
 *      [--print] [--start trim-horizon|latest] [--endpoint URL] [--cbor false]
 * </pre>
 */
public final class Scan {

    private Scan() {}

    public static void main(String[] argv) throws Exception {
        run(Args.parse(argv));
    }

    static long run(Args args) throws Exception {
        boolean print = args.getBoolean("print", false);
        return ScanRunner.run(
                "scan",
                args,
                (consumer, runner) ->
                        consumer.scan(
                                record -> {
                                    if (print) {
                                        System.out.printf(
                                                "scan: %s %s %s%n",
                                                record.shardId(),
                                                record.partitionKey(),
                                                record.dataAsString());
                                    }
                                    return runner.count(record.shardId(), 1)
                                            ? ScanResult.STOP
                                            : ScanResult.CONTINUE;
                                }));
    }
}
