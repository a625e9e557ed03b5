package io.github.kinesisconsumer.examples;

/**
 * One worker of a consumer group: start two or three of them (separate terminals or processes) with
 * the same {@code --group}; they share the stream's shards through leases in DynamoDB Local, and
 * when one stops the others take its shards.
 *
 * <pre>
 * GroupWorker --stream orders --app orders-demo --group orders-demo --worker w1 [--lease 10s]
 *             [--store postgres|...] [--idle-exit 0] [--print]
 * </pre>
 */
public final class GroupWorker {

    private GroupWorker() {}

    public static void main(String[] argv) throws Exception {
        run(Args.parse(argv));
    }

    static long run(Args args) throws Exception {
        if (args.get("group", null) == null) {
            throw new IllegalArgumentException("--group NAME is required");
        }
        return Scan.run(args);
    }
}
