package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;

import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the checkpoints an application has in a store, one line per shard.
 *
 * <pre>
 * Checkpoints --stream orders --app orders-demo [--store postgres|mysql|redis|dynamodb|memory]
 * </pre>
 */
public final class Checkpoints {

    private Checkpoints() {}

    public static void main(String[] argv) {
        Args args = Args.parse(argv);
        print(args, args.get("app", "orders-demo"), args.get("stream", "orders"));
    }

    /** Prints and returns the stored checkpoints by shard id. */
    static Map<String, Checkpoint> print(Args args, String app, String stream) {
        Map<String, Checkpoint> all;
        try (CheckpointStore store = Setup.stores(args).create()) {
            all = new TreeMap<>(store.getAll(app, stream));
            System.out.printf(
                    "checkpoints of app %s on stream %s in %s (%d shards):%n",
                    app, stream, store, all.size());
        }
        all.forEach((shard, cp) -> System.out.printf("  %s  %s%n", shard, cp));
        return all;
    }
}
