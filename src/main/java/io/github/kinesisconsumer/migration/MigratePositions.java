package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.CheckpointStore;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.MySqlCheckpointStore;
import io.github.kinesisconsumer.store.jdbc.PostgresCheckpointStore;
import io.github.kinesisconsumer.store.redis.RedisCheckpointStore;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/**
 * The migration tool: reads where an earlier consumer stopped, checks it against the stream, and
 * writes it into a checkpoint store under an application name, printing a table per shard.
 *
 * <pre>{@code
 * java -cp kinesis-consumer.jar:... io.github.kinesisconsumer.migration.MigratePositions \
 *     --from=kcl --lease-table=orders-kcl-app --stream=orders --kinesis.region=eu-west-1 \
 *     --app=orders-app --checkpoint-store.type=postgres \
 *     --checkpoint-store.url=jdbc:postgresql://db:5432/app
 * }</pre>
 *
 * <p>Run {@code scripts/migrate-positions.sh --help} for every option. A stored position is never
 * moved backwards unless {@code --allow-backward} is given; {@code --dry-run} prints the plan and
 * writes nothing. The database password comes from {@code --checkpoint-store.password} or the
 * environment variable {@code KC_CHECKPOINT_STORE_PASSWORD}, and is never printed.
 */
@PublicEvolving
public final class MigratePositions {

    static final String PASSWORD_ENV = "KC_CHECKPOINT_STORE_PASSWORD";

    private static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: migrate-positions --from=<legacy-savepoint|kcl|go-group> --stream=<name>",
                    "           (--kinesis.region=<region> | --kinesis.endpoint=<url>)",
                    "           --app=<name> --checkpoint-store.type=<postgres|mysql|redis|dynamodb>",
                    "           [--checkpoint-store.url=<url>] [--checkpoint-store.user=<user>]",
                    "           [--checkpoint-store.password=<pw>] [--checkpoint-store.table=<t>]",
                    "           [--checkpoint-store.dynamodb.region|endpoint=<..>]",
                    "           [--allow-backward] [--dry-run]",
                    "  legacy-savepoint: --savepoint=<path> (--uid=<uid> | --uid-hash=<hex>)",
                    "                    (the legacy flink-connector-kinesis jar on the classpath)",
                    "  kcl:              --lease-table=<table> [--dynamodb.region|endpoint=<..>]",
                    "                    [--kcl-stream-identifier=<account>:<stream>:<epoch>] (a",
                    "                    multi-stream table holding the stream under several",
                    "                    identifiers: the one to read)",
                    "  go-group:         --lease-table=<table> --group=<Go group name>",
                    "                    [--go-store-app=<app name of the Go store; default the",
                    "                    group>] [--dynamodb.region|endpoint=<..>] (positions are",
                    "                    read from the checkpoint store given, the one the group",
                    "                    used, also with --dry-run; the lease table adds the shards",
                    "                    the group finished)");

    private MigratePositions() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns the process exit code (0 done, 1 refused or failed, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        CliArguments a;
        try {
            a = new CliArguments(args, Set.of("allow-backward", "dry-run", "create-table"));
        } catch (IllegalArgumentException e) {
            err.println("migrate-positions: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            return migrate(a, out, err);
        } catch (IllegalArgumentException e) {
            err.println("migrate-positions: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("migrate-positions: failed: " + e.getMessage());
            return 1;
        }
    }

    private static int migrate(CliArguments a, PrintStream out, PrintStream err) {
        String stream = a.required("stream", "stream name");
        boolean dryRun = a.flag("dry-run");
        boolean allowBackward = a.flag("allow-backward");
        String app = dryRun ? a.optional("app") : a.required("app", "application name");
        ClientSettings kinesis = settings(a, "kinesis");
        String from = a.required("from", "legacy-savepoint|kcl|go-group");
        boolean goGroup = "go-group".equals(from);
        PositionSource source = goGroup ? null : sourceOf(from, a, kinesis, stream);
        try (CheckpointStore target = dryRun && !goGroup ? null : storeOf(a)) {
            if (goGroup) {
                source = goGroupOf(a, kinesis, stream, target);
            }
            a.refuseUnknown();
            MigrationPlan plan = MigrationPlan.forStream(source, stream, kinesis);
            out.println("positions of stream '" + stream + "' from " + plan.description() + ":");
            out.print(plan.table());
            if (dryRun) {
                out.println("dry run: nothing written");
                return 0;
            }
            Map<String, Checkpoint> before;
            try {
                before = plan.writeTo(target, app, allowBackward);
            } catch (MigrationException e) {
                err.println("migrate-positions: " + e.getMessage());
                err.println("(--allow-backward replaces them)");
                return 1;
            }
            Map<String, Checkpoint> after = target.getAll(app, stream);
            out.println("written to " + target + " as app '" + app + "':");
            out.println(String.format("%-24s %-44s %s", "shard", "before", "now"));
            for (ShardMove m : plan.moves()) {
                if (m.checkpoint() != null) {
                    out.println(
                            String.format(
                                    "%-24s %-44s %s",
                                    m.shardId(),
                                    before.get(m.shardId()) == null
                                            ? "-"
                                            : before.get(m.shardId()).toString(),
                                    after.get(m.shardId())));
                }
            }
            out.println(
                    "start reading with StartingPosition.fromStore("
                            + (plan.needsTrimHorizonFallback()
                                    ? "StartingPosition.trimHorizon()): some shards start at"
                                            + " their oldest record and a store cannot say so"
                                    : "<fallback>): shards marked FALLBACK start there"));
            return 0;
        }
    }

    /** The Go group reads its positions from the same store the tool writes into. */
    private static PositionSource goGroupOf(
            CliArguments a, ClientSettings kinesis, String stream, CheckpointStore store) {
        return GoGroupPositions.builder()
                .leaseTable(a.required("lease-table", "the Go group's lease table"))
                .groupName(a.required("group", "the Go group's GroupName (or AppName)"))
                .streamName(stream)
                .checkpointStore(store)
                .storeAppName(a.optional("go-store-app"))
                .dynamoDbSettings(dynamoDbSettings(a, kinesis))
                .build();
    }

    private static ClientSettings dynamoDbSettings(CliArguments a, ClientSettings kinesis) {
        return a.optional("dynamodb.endpoint") == null && a.optional("dynamodb.region") == null
                ? ClientSettings.builder().region(kinesis.region()).build()
                : settings(a, "dynamodb");
    }

    private static String kclStream(CliArguments a, String stream) {
        String identifier = a.optional("kcl-stream-identifier");
        if (identifier == null) {
            return stream;
        }
        String[] parts = identifier.split(":");
        if (parts.length != 3 || !parts[1].equals(stream)) {
            throw new IllegalArgumentException(
                    "--kcl-stream-identifier="
                            + identifier
                            + " is not a KCL stream identifier of stream '"
                            + stream
                            + "': give <account>:"
                            + stream
                            + ":<creation epoch>, as the lease table's streamName column holds it");
        }
        return identifier;
    }

    private static PositionSource sourceOf(
            String from, CliArguments a, ClientSettings kinesis, String stream) {
        switch (from) {
            case "kcl":
                return KclLeaseTablePositions.of(
                        a.required("lease-table", "the KCL application's lease table"),
                        kclStream(a, stream),
                        dynamoDbSettings(a, kinesis));
            case "legacy-savepoint":
                String savepoint = a.required("savepoint", "savepoint directory");
                String uid = a.optional("uid");
                String hash = a.optional("uid-hash");
                if ((uid == null) == (hash == null)) {
                    throw new IllegalArgumentException(
                            "give the old job's source as --uid=<uid> or --uid-hash=<operator id>,"
                                    + " one of them");
                }
                return uid != null
                        ? LegacySavepointPositions.forUid(savepoint, uid)
                        : LegacySavepointPositions.forUidHash(savepoint, hash);
            default:
                throw new IllegalArgumentException(
                        "unknown --from=" + from + ": legacy-savepoint, kcl or go-group");
        }
    }

    private static ClientSettings settings(CliArguments a, String prefix) {
        String endpoint = a.optional(prefix + ".endpoint");
        String region = a.optional(prefix + ".region");
        if (endpoint == null && region == null) {
            throw new IllegalArgumentException(
                    "missing --"
                            + prefix
                            + ".region=<region> (or --"
                            + prefix
                            + ".endpoint=<url>)");
        }
        ClientSettings.Builder b =
                ClientSettings.builder().region(region == null ? "us-east-1" : region);
        if (endpoint != null) {
            b.endpoint(endpoint);
        }
        return b.build();
    }

    private static CheckpointStore storeOf(CliArguments a) {
        String type = a.required("checkpoint-store.type", "postgres|mysql|redis|dynamodb");
        String user = a.optional("checkpoint-store.user");
        String password = a.optional("checkpoint-store.password");
        if (password == null) {
            password = System.getenv(PASSWORD_ENV);
        }
        String table = a.optional("checkpoint-store.table");
        boolean create = a.flag("create-table");
        switch (type) {
            case "postgres":
                PostgresCheckpointStore.Builder pg =
                        PostgresCheckpointStore.builder()
                                .jdbcUrl(a.required("checkpoint-store.url", "jdbc url"))
                                .user(user)
                                .password(password)
                                .createTable(create);
                return (table == null ? pg : pg.tableName(table)).build();
            case "mysql":
                MySqlCheckpointStore.Builder my =
                        MySqlCheckpointStore.builder()
                                .jdbcUrl(a.required("checkpoint-store.url", "jdbc url"))
                                .user(user)
                                .password(password)
                                .createTable(create);
                return (table == null ? my : my.tableName(table)).build();
            case "redis":
                return RedisCheckpointStore.builder()
                        .url(a.required("checkpoint-store.url", "redis url"))
                        .build();
            case "dynamodb":
                return DynamoDbCheckpointStore.builder()
                        .tableName(a.required("checkpoint-store.table", "table name"))
                        .clientSettings(settings(a, "checkpoint-store.dynamodb"))
                        .createTable(create)
                        .build();
            default:
                throw new IllegalArgumentException(
                        "unknown --checkpoint-store.type="
                                + type
                                + ": postgres, mysql, redis or dynamodb");
        }
    }
}
