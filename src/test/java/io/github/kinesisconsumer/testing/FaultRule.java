package io.github.kinesisconsumer.testing;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line of a {@link FaultProxy} script: which calls it hits (an operation or all, a share of
 * them, at most so many, within a time window, or once per shard) and the {@link Fault} they get.
 *
 * <pre>{@code
 * proxy.add(FaultRule.on("GetRecords", Fault.THROTTLE).probability(0.3).lasting(ofSeconds(30)));
 * proxy.add(FaultRule.on("GetRecords", Fault.EXPIRED_ITERATOR).oncePerShard());
 * proxy.add(FaultRule.on("ListShards", Fault.LIMIT_EXCEEDED));   // until disarm()
 * }</pre>
 */
public final class FaultRule {

    private final String operation;
    private final Fault fault;
    private volatile double probability = 1.0;
    private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
    private volatile long untilNanos = Long.MAX_VALUE;
    private volatile Duration latency = Duration.ZERO;
    private volatile Set<String> shardsHit;
    private volatile String onlyShard;
    private volatile boolean armed = true;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong seen = new AtomicLong();
    private volatile long lastHitNanos;
    private volatile Runnable onHit = () -> {};

    private FaultRule(String operation, Fault fault) {
        this.operation = operation;
        this.fault = fault;
    }

    /** A rule for calls of {@code operation} (e.g. {@code "GetRecords"}; null for every call). */
    public static FaultRule on(String operation, Fault fault) {
        return new FaultRule(operation, fault);
    }

    /** Delays matching calls by {@code delay}, then forwards them. */
    public static FaultRule latency(String operation, Duration delay) {
        FaultRule rule = new FaultRule(operation, Fault.LATENCY);
        rule.latency = delay;
        return rule;
    }

    /** Hits each matching call with this probability (default 1). */
    public FaultRule probability(double probability) {
        this.probability = probability;
        return this;
    }

    /** Hits at most {@code count} calls. */
    public FaultRule times(int count) {
        remaining.set(count);
        return this;
    }

    /** Hits calls only for {@code window} from now. */
    public FaultRule lasting(Duration window) {
        untilNanos = System.nanoTime() + window.toNanos();
        return this;
    }

    /**
     * Hits the first matching call of each shard, and no other call of it. Only calls whose shard
     * the proxy knows (GetShardIterator; GetRecords on an iterator it has seen issued) match.
     */
    public FaultRule oncePerShard() {
        shardsHit = ConcurrentHashMap.newKeySet();
        return this;
    }

    /**
     * Hits only calls of this shard (GetShardIterator; GetRecords on an iterator the proxy has seen
     * issued).
     */
    public FaultRule onShard(String shardId) {
        this.onlyShard = shardId;
        return this;
    }

    /** Runs {@code action} on the proxy thread each time the rule hits a call. */
    public FaultRule onHit(Runnable action) {
        this.onHit = action;
        return this;
    }

    /** Stops hitting calls; calls held by a {@link Fault#DARK} rule are released. */
    public void disarm() {
        armed = false;
    }

    public Fault fault() {
        return fault;
    }

    /** Calls hit so far. */
    public long hits() {
        return hits.get();
    }

    /** Calls of the rule's operation that came while it was active, hit or not. */
    public long seen() {
        return seen.get();
    }

    /** When the last call was hit ({@link System#nanoTime()}), 0 before the first. */
    public long lastHitNanos() {
        return lastHitNanos;
    }

    /** The shards hit so far by a {@link #oncePerShard()} rule. */
    public Set<String> shardsHit() {
        return shardsHit == null ? Set.of() : Set.copyOf(shardsHit);
    }

    Duration latency() {
        return latency;
    }

    /** Whether the rule is armed and inside its window. */
    public boolean isActive() {
        return armed && System.nanoTime() < untilNanos;
    }

    /** Decides whether this call is hit, and counts it if so. */
    boolean hits(String op, String shardId) {
        if (!isActive() || (operation != null && !operation.equals(op))) {
            return false;
        }
        if (onlyShard != null && !onlyShard.equals(shardId)) {
            return false;
        }
        seen.incrementAndGet();
        Set<String> once = shardsHit;
        if (once != null && (shardId == null || once.contains(shardId))) {
            return false;
        }
        if (probability < 1.0 && ThreadLocalRandom.current().nextDouble() >= probability) {
            return false;
        }
        if (remaining.getAndDecrement() <= 0) {
            remaining.set(0);
            return false;
        }
        if (once != null && !once.add(shardId)) {
            return false;
        }
        hits.incrementAndGet();
        lastHitNanos = System.nanoTime();
        onHit.run();
        return true;
    }
}
