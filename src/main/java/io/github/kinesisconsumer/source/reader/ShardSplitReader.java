package io.github.kinesisconsumer.source.reader;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.KinesisRecord;
import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;
import io.github.kinesisconsumer.kinesis.read.FetchResult;
import io.github.kinesisconsumer.kinesis.read.PollerMetrics;
import io.github.kinesisconsumer.kinesis.read.RecordDecoder;
import io.github.kinesisconsumer.kinesis.read.ShardReader;
import io.github.kinesisconsumer.source.split.ShardSplit;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;

import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads all shards of one reader concurrently through a polling {@link ShardReader}, or a
 * subscribing one in enhanced fan-out mode (the consumer is looked up by name and waited for until
 * ACTIVE; the enumerator registers it); each {@link #fetch()} hands over whatever has arrived. In
 * bounded mode a shard finishes before the first record that arrived at or after the stop time, or
 * when a call made after the stop time finds nothing newer (a call made before it may answer after
 * it, and records that arrived in between would be missed).
 */
final class ShardSplitReader implements SplitReader<KinesisRecord, ShardSplit> {

    private final KinesisAsyncClient client;
    private final ShardReader poller;
    private final RecordDecoder decoder;
    private final Map<String, ShardSplit> splits = new HashMap<>();

    ShardSplitReader(
            StreamRef stream,
            ClientSettings clientSettings,
            PollerOptions pollerOptions,
            @Nullable FanOutOptions fanOut,
            boolean deaggregate,
            PollerMetrics metrics) {
        if (fanOut == null) {
            this.client = clientSettings.createPollingClient();
            this.poller = ShardReader.polling(client, stream, pollerOptions, metrics);
        } else {
            this.client = clientSettings.createAsyncClient(Protocol.HTTP2);
            CompletableFuture<String> consumerArn =
                    new StreamConsumerRegistrar(client, stream)
                            .awaitActiveAsync(fanOut.consumerName(), fanOut.registrationTimeout());
            this.poller = ShardReader.fanOut(client, stream, consumerArn, fanOut, metrics);
        }
        this.decoder = new RecordDecoder(stream.name(), deaggregate);
    }

    /** A split reader over a given shard reader, which it closes with {@code client}. */
    ShardSplitReader(
            ShardReader poller, KinesisAsyncClient client, String streamName, boolean deaggregate) {
        this.poller = poller;
        this.client = client;
        this.decoder = new RecordDecoder(streamName, deaggregate);
    }

    @Override
    public RecordsWithSplitIds<KinesisRecord> fetch() throws IOException {
        ShardRecords out = new ShardRecords(poller::release);
        List<FetchResult> results;
        try {
            results = poller.pollHeld(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
        for (FetchResult result : results) {
            out.holds(result.bytes());
            ShardSplit split = splits.get(result.shardId());
            if (split == null) {
                continue;
            }
            if (!split.isBounded()) {
                if (!result.records().isEmpty()) {
                    decoder.decode(
                            result, out.recordsOf(result.shardId(), result.records().size())::add);
                }
                if (result.isShardEnd()) {
                    finish(out, split.shardId());
                }
                continue;
            }
            long stopAt = split.stopAtArrivalMillis();
            boolean[] reachedStop = new boolean[1];
            List<KinesisRecord> sink = out.recordsOf(result.shardId(), result.records().size());
            decoder.decode(
                    result,
                    r -> {
                        if (reachedStop[0] || r.approximateArrivalMillis() >= stopAt) {
                            reachedStop[0] = true;
                        } else {
                            sink.add(r);
                        }
                    });
            boolean caughtUp =
                    result.records().isEmpty()
                            && (result.millisBehindLatest() == null
                                    || result.millisBehindLatest() == 0)
                            && result.requestedAtMillis() > stopAt;
            if (reachedStop[0] || caughtUp || result.isShardEnd()) {
                finish(out, split.shardId());
            }
        }
        return out;
    }

    private void finish(ShardRecords out, String shardId) {
        out.finished(shardId);
        splits.remove(shardId);
        poller.removeShard(shardId);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ShardSplit> splitsChanges) {
        if (splitsChanges instanceof SplitsAddition) {
            for (ShardSplit split : splitsChanges.splits()) {
                splits.put(split.shardId(), split);
                poller.addShard(split.shardId(), split.startingPosition());
            }
        } else if (splitsChanges instanceof SplitsRemoval) {
            for (ShardSplit split : splitsChanges.splits()) {
                splits.remove(split.shardId());
                poller.removeShard(split.shardId());
            }
        }
    }

    @Override
    public void pauseOrResumeSplits(
            Collection<ShardSplit> splitsToPause, Collection<ShardSplit> splitsToResume) {
        for (ShardSplit split : splitsToPause) {
            poller.pause(split.shardId());
        }
        for (ShardSplit split : splitsToResume) {
            poller.resume(split.shardId());
        }
    }

    @Override
    public void wakeUp() {
        poller.wakeup();
    }

    @Override
    public void close() throws Exception {
        poller.close();
        client.close();
    }
}
