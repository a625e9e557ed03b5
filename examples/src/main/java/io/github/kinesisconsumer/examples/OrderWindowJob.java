package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.source.KinesisSource;
import io.github.kinesisconsumer.source.KinesisSourceBuilder;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Flink job: reads order events with {@link KinesisSource}, sums the amount per customer in
 * event-time tumbling windows and prints one line per window. Checkpointing is on, and the source
 * mirrors its positions into the checkpoint store after every completed checkpoint.
 *
 * <pre>
 * OrderWindowJob --stream orders --app orders-demo [--store postgres|mysql|redis|dynamodb|memory]
 *                [--window 10s] [--out-of-orderness 2s] [--idleness 5s (0 when bounded)]
 *                [--time event|arrival]
 *                [--bounded | --run-for 15s] [--parallelism 2] [--checkpoint-interval 2s]
 *                [--start trim-horizon|latest] [--web-ui-port 8081] [--endpoint URL] [--cbor false]
 * </pre>
 *
 * <p>Run from its main method (examples/run.sh) it starts an embedded Flink with the web UI on
 * http://127.0.0.1:8081; submitted to a cluster it runs there. Shards without a stored checkpoint
 * start at {@code --start} (default trim-horizon). {@code --bounded} reads what the stream held
 * when the job started, {@code --run-for 15s} what arrives until 15 s after the start; then the job
 * finishes, and (run locally) prints a summary and the mirrored checkpoints. Without either it runs
 * until cancelled.
 */
public final class OrderWindowJob {

    static final String RECORDS_READ = "records-read";
    static final String WINDOWS_EMITTED = "windows-emitted";

    private OrderWindowJob() {}

    public static void main(String[] argv) throws Exception {
        run(Args.parse(argv));
    }

    /** What a finished local run did. */
    static final class Summary {
        final long recordsRead;
        final long windowsEmitted;

        Summary(long recordsRead, long windowsEmitted) {
            this.recordsRead = recordsRead;
            this.windowsEmitted = windowsEmitted;
        }
    }

    /** Runs the job; returns its counts when it ran attached and finished, else null. */
    static Summary run(Args args) throws Exception {
        String stream = args.get("stream", "orders");
        String app = args.get("app", "orders-demo");
        Duration window = args.getDuration("window", Duration.ofSeconds(10));
        boolean bounded = args.getBoolean("bounded", false);

        StreamExecutionEnvironment env = environment(args);
        env.setParallelism(args.getInt("parallelism", 2));
        env.enableCheckpointing(
                args.getDuration("checkpoint-interval", Duration.ofSeconds(2)).toMillis());

        StartingPosition fallback =
                args.get("start", "trim-horizon").startsWith("latest")
                        ? StartingPosition.latest()
                        : StartingPosition.trimHorizon();
        KinesisSourceBuilder<OrderEvent> builder = Setup.orderSource(args, stream, app, fallback);
        if (bounded) {
            builder.boundedAtJobStart();
        } else if (args.has("run-for")) {
            builder.boundedAt(Instant.now().plus(args.getDuration("run-for", Duration.ZERO)));
        }

        WatermarkStrategy<OrderEvent> watermarks =
                WatermarkStrategy.forBoundedOutOfOrderness(
                        args.getDuration("out-of-orderness", Duration.ofSeconds(2)));
        // Unbounded: shards without new records must not hold the watermark (and the windows)
        // back. Bounded: the end of input closes every window, and idleness must stay off: Flink
        // 1.20 drops the final watermark of a source whose output is marked idle
        // (RecordWriterOutput.emitWatermark), so the last windows would never fire.
        Duration idleness =
                args.getDuration(
                        "idleness",
                        bounded || args.has("run-for") ? Duration.ZERO : Duration.ofSeconds(5));
        if (!idleness.isZero()) {
            watermarks = watermarks.withIdleness(idleness);
        }
        if (!args.get("time", "event").equals("arrival")) {
            // event time from the payload; with --time arrival the source's timestamps (the
            // records' arrival times in Kinesis) are kept
            watermarks = watermarks.withTimestampAssigner((event, arrival) -> event.ts);
        }

        DataStream<OrderEvent> orders =
                env.fromSource(builder.build(), watermarks, "kinesis: " + stream)
                        .map(new CountRecords())
                        .name("count records");
        orders.keyBy(order -> order.customer)
                .window(TumblingEventTimeWindows.of(window))
                .aggregate(new SumAmount(), new EmitWindow())
                .name("amount per customer per " + window.toSeconds() + " s")
                .print()
                .name("print");

        String jobName = "orders per customer (" + stream + ", app " + app + ")";
        if (!(env instanceof LocalStreamEnvironment)) {
            env.execute(jobName); // in a cluster: detached or attached, as the client decides
            return null;
        }
        long start = System.nanoTime();
        JobClient job = env.executeAsync(jobName);
        String uiPort = args.get("web-ui-port", "8081");
        System.out.printf(
                "flink-job: started %s; Flink web UI at %s%n",
                job.getJobID(),
                uiPort.equals("0") ? "a free port of 127.0.0.1" : "http://127.0.0.1:" + uiPort);
        JobExecutionResult result = waitWithProgress(job);
        long read = counter(result.getAllAccumulatorResults(), RECORDS_READ);
        long windows = counter(result.getAllAccumulatorResults(), WINDOWS_EMITTED);
        System.out.printf(
                "flink-job: finished in %.1f s: records read: %d, windows emitted: %d%n",
                (System.nanoTime() - start) / 1e9, read, windows);
        Checkpoints.print(args, app, stream);
        return new Summary(read, windows);
    }

    /**
     * The cluster's environment when submitted to one; else an embedded Flink with the web UI,
     * bound to 127.0.0.1 only.
     */
    private static StreamExecutionEnvironment environment(Args args) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!(env instanceof LocalStreamEnvironment)) {
            return env;
        }
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, args.get("web-ui-port", "8081"));
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }

    /** Waits for the job, printing its counters every 2 seconds. */
    private static JobExecutionResult waitWithProgress(JobClient job) throws Exception {
        CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
        long lastRead = -1;
        while (true) {
            try {
                return done.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                try {
                    Map<String, Object> acc = job.getAccumulators().get(5, TimeUnit.SECONDS);
                    long read = counter(acc, RECORDS_READ);
                    if (read != lastRead) {
                        System.out.printf(
                                "flink-job: %,d records read, %d windows emitted so far%n",
                                read, counter(acc, WINDOWS_EMITTED));
                        lastRead = read;
                    }
                } catch (Exception ignored) {
                    // the job may be finishing; its result comes next
                }
            }
        }
    }

    private static long counter(Map<String, Object> accumulators, String name) {
        Object v = accumulators.get(name);
        return v instanceof Number ? ((Number) v).longValue() : 0;
    }

    /** Passes events on, counting them in an accumulator. */
    static final class CountRecords extends RichMapFunction<OrderEvent, OrderEvent> {
        private static final long serialVersionUID = 1L;
        private final LongCounter read = new LongCounter();

        @Override
        public void open(OpenContext openContext) {
            getRuntimeContext().addAccumulator(RECORDS_READ, read);
        }

        @Override
        public OrderEvent map(OrderEvent event) {
            read.add(1);
            return event;
        }
    }

    /** Orders and total amount of a window: {@code [count, sum in cents]}. */
    static final class SumAmount implements AggregateFunction<OrderEvent, long[], long[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(OrderEvent event, long[] acc) {
            acc[0]++;
            acc[1] += Math.round(event.amount * 100);
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }
    }

    /** Formats a window's result, counting windows in an accumulator. */
    static final class EmitWindow
            extends ProcessWindowFunction<long[], String, String, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
        private final LongCounter windows = new LongCounter();

        @Override
        public void open(OpenContext openContext) {
            getRuntimeContext().addAccumulator(WINDOWS_EMITTED, windows);
        }

        @Override
        public void process(
                String customer, Context context, Iterable<long[]> results, Collector<String> out) {
            long[] r = results.iterator().next();
            windows.add(1);
            out.collect(
                    String.format(
                            Locale.ROOT,
                            "window %s-%s UTC  customer %s: %d orders, amount %d.%02d",
                            TIME.format(Instant.ofEpochMilli(context.window().getStart())),
                            TIME.format(Instant.ofEpochMilli(context.window().getEnd())),
                            customer,
                            r[0],
                            r[1] / 100,
                            r[1] % 100));
        }
    }
}
