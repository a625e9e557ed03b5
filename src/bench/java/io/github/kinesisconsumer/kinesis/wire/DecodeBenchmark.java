package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.read.FetchResult;
import io.github.kinesisconsumer.kinesis.read.RecordDecoder;

import com.sun.management.ThreadMXBean;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decoding alone, without HTTP or Flink: one JSON GetRecords answer of 10,000 records decoded over
 * and over into the records the reader hands on, in rounds of a few seconds; prints the time and the
 * bytes allocated per record (the answer's own copy included, given apart).
 *
 * <p>{@code scripts/bench.sh decode [record bytes, default 100] [seconds per round, default 5]}
 */
public final class DecodeBenchmark {
    public static void main(String[] args) throws Exception {
        int n = 10_000;
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] page = page(n, size);
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] sink = new long[1];
        RecordDecoder decoder = new RecordDecoder("s", true);
        java.lang.reflect.Constructor<FetchResult> make =
                FetchResult.class.getDeclaredConstructor(
                        String.class, java.util.List.class, long.class, Long.class, boolean.class,
                        java.util.List.class, io.github.kinesisconsumer.kinesis.StartingPosition.class, long.class);
        make.setAccessible(true);
        for (int round = 0; round < 6; round++) {
            long alloc0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            long t0 = System.nanoTime();
            long records = 0;
            while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                RecordsWireFormat.Split split =
                        RecordsWireFormat.split(new ByteArrayInputStream(page), false, page.length);
                FetchResult result =
                        make.newInstance(
                                "shardId-000000000000", split.records, 0L, null, false, java.util.List.of(), null, 0L);
                decoder.decode(result, (KinesisRecord r) -> sink[0] += r.dataLength());
                records += split.records.size();
            }
            long ns = System.nanoTime() - t0;
            long alloc = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - alloc0;
            System.out.printf(
                    "round %d: %.1f ns/record, %.0f B allocated/record (%d records)%n",
                    round, (double) ns / records, (double) alloc / records, records);
        }
        System.out.printf(
                "answer: %.0f bytes per record (copied once from the socket)%n",
                (double) page.length / n);
        System.out.println(sink[0] > 0 ? "" : "?");
    }

    static byte[] page(int n, int size) {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder sb = new StringBuilder("{\"MillisBehindLatest\":0,\"NextShardIterator\":\"it\",\"Records\":[");
        byte[] payload = new byte[size];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < size; j++) {
                payload[j] = (byte) ('a' + (j + i) % 26);
            }
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"SequenceNumber\":\"")
                    .append(String.format("4%05d%014d", 1, i))
                    .append("\",\"ApproximateArrivalTimestamp\":1733300000.0,\"Data\":\"")
                    .append(b64.encodeToString(payload))
                    .append("\",\"PartitionKey\":\"k")
                    .append(i % 1000)
                    .append("\"}");
        }
        sb.append("]}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
        return out.toByteArray();
    }
}
