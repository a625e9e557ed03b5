package io.github.kinesisconsumer.group;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.kinesis.Durations;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.store.Checkpoint;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbClientFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A consumer group coordinated through leases in a DynamoDB table.
 *
 * <p>Each shard has a lease row; a worker holds a lease by owning the row with an expiry in the
 * future, renewing it every {@code renewInterval}. Leases are taken with conditional writes that
 * raise the lease counter, and every renewal and checkpoint is conditional on that counter, so a
 * worker that paused past its lease cannot renew it nor write a checkpoint after another worker
 * took the shard. Workers balance by count, ceil(shards / live workers): a worker below its share
 * takes free or expired leases, and asks the most loaded worker for one by hand-off (the owner
 * flushes its checkpoint, then releases). A child's lease can be taken only when its parents are
 * finished. A worker that closes releases its leases at once; a crashed worker's leases are taken
 * once they expire, within {@code leasePeriod + takeInterval} of its last renewal.
 *
 * <p>Coordination errors (throttling, timeouts) are logged and retried at the next tick; leases
 * that cannot be renewed before they expire are dropped.
 */
@PublicEvolving
public final class DynamoDbLeaseGroup implements ConsumerGroup {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbLeaseGroup.class);

    private final Builder config;
    private final String workerId;
    private final LeaseTable table;
    private final DynamoDbClientFactory.OwnedClient ownedClient;
    private final ScheduledExecutorService coordinator;
    private final LongSupplier clock;
    private final Map<String, Long> owned = new ConcurrentHashMap<>();
    private final Map<String, Long> ownedUntil = new ConcurrentHashMap<>();
    private final Set<String> handOff = ConcurrentHashMap.newKeySet();
    private final Map<String, Checkpoint> leaseCheckpoints = new ConcurrentHashMap<>();
    private final Map<String, ShardInfo> pendingLeases = new ConcurrentHashMap<>();
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    private final Retrying retrying = new Retrying(backoff, 5);
    private volatile String stream;
    private volatile boolean renewalsPaused;
    private volatile long nextRenewMillis;
    private volatile String pendingRequest;
    private volatile long pendingRequestSince;
    private int consecutiveErrors;

    private DynamoDbLeaseGroup(Builder b) {
        this.config = b;
        this.workerId = b.workerId != null ? b.workerId : "worker-" + UUID.randomUUID();
        this.clock = b.clock;
        DynamoDbAsyncClient client;
        if (b.client != null) {
            client = b.client;
            ownedClient = null;
        } else {
            ownedClient = DynamoDbClientFactory.create(b.clientSettings);
            client = ownedClient.client();
        }
        this.table = new LeaseTable(client, b.tableName, b.groupName);
        this.coordinator =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "lease-group-" + workerId);
                            t.setDaemon(true);
                            return t;
                        });
    }

    public static Builder builder() {
        return new Builder();
    }

    public String workerId() {
        return workerId;
    }

    @Override
    public void start(String streamName) {
        this.stream = streamName;
        if (config.createTable) {
            table.createIfMissing();
        }
        table.heartbeat(workerId, clock.getAsLong() + config.leasePeriod.toMillis());
        coordinator.scheduleWithFixedDelay(
                this::tick, 0, config.takeInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info(
                "worker {} joined group {} for stream {} (lease period {}, renew every {})",
                workerId,
                config.groupName,
                streamName,
                config.leasePeriod,
                config.renewInterval);
    }

    @Override
    public void shardsDiscovered(Collection<ShardInfo> shards) {
        for (ShardInfo shard : shards) {
            pendingLeases.put(shard.shardId(), shard);
        }
    }

    @Override
    public Set<String> ownedShards() {
        long now = clock.getAsLong();
        Set<String> live = ConcurrentHashMap.newKeySet();
        for (Map.Entry<String, Long> e : ownedUntil.entrySet()) {
            if (e.getValue() > now && owned.containsKey(e.getKey())) {
                live.add(e.getKey());
            }
        }
        return live;
    }

    @Override
    public boolean holds(String shardId) {
        return owned.containsKey(shardId) && !expiredLocally(shardId, clock.getAsLong());
    }

    @Override
    public Set<String> handOffRequested() {
        return Set.copyOf(handOff);
    }

    @Override
    public Optional<Checkpoint> leaseCheckpoint(String shardId) {
        return Optional.ofNullable(leaseCheckpoints.get(shardId));
    }

    @Override
    public boolean checkpoint(String shardId, Checkpoint checkpoint) {
        Long counter = owned.get(shardId);
        if (counter == null) {
            return false;
        }
        boolean ok = write(false, shardId, counter, checkpoint);
        if (ok) {
            // a reading restarted under this lease starts here even before the store has it
            leaseCheckpoints.merge(shardId, checkpoint, (a, b) -> b.isAfter(a) ? b : a);
        } else {
            lost(shardId, "a checkpoint write was rejected");
        }
        return ok;
    }

    @Override
    public boolean finished(String shardId, Checkpoint checkpoint) {
        Long counter = owned.get(shardId);
        if (counter == null) {
            return false;
        }
        boolean ok = write(true, shardId, counter, checkpoint);
        owned.remove(shardId);
        ownedUntil.remove(shardId);
        coordinator.execute(this::tick);
        return ok;
    }

    /**
     * A position written under the lease's counter: false if another worker holds it now, or if the
     * lease expired locally before an attempt (this worker stopped reading the shard then).
     */
    private boolean write(boolean finish, String shardId, long counter, Checkpoint at) {
        String seq = at.sequenceNumber();
        long sub = at.subSequenceNumber();
        return retrying.run(
                (finish ? "finish " : "checkpoint ") + shardId,
                () -> {
                    if (expiredLocally(shardId, clock.getAsLong())) {
                        return false;
                    }
                    return finish
                            ? table.finish(stream, shardId, workerId, counter, seq, sub)
                            : table.checkpoint(stream, shardId, workerId, counter, seq, sub);
                });
    }

    private boolean expiredLocally(String shardId, long now) {
        Long until = ownedUntil.get(shardId);
        return until == null || until <= now;
    }

    @Override
    public void release(String shardId) {
        Long counter = owned.remove(shardId);
        ownedUntil.remove(shardId);
        handOff.remove(shardId);
        if (counter != null) {
            retrying.run(
                    "release " + shardId, () -> table.release(stream, shardId, workerId, counter));
            LOG.info("worker {} released {}", workerId, shardId);
        }
    }

    /** Test hook: a paused worker stops renewing, as if its process were frozen. */
    void pauseRenewals(boolean paused) {
        this.renewalsPaused = paused;
    }

    @Override
    public void close() {
        coordinator.shutdown();
        try {
            coordinator.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String shardId : List.copyOf(owned.keySet())) {
            Retrying.bestEffort("release " + shardId + " on close", () -> release(shardId));
        }
        Retrying.bestEffort(
                "remove worker " + workerId + " from the group", () -> table.leave(workerId));
        if (ownedClient != null) {
            ownedClient.close();
        }
        LOG.info("worker {} left group {}", workerId, config.groupName);
    }

    private void tick() {
        if (stream == null) {
            return;
        }
        try {
            long now = clock.getAsLong();
            createPendingLeases();
            if (now >= nextRenewMillis && !renewalsPaused) {
                renewAll(now);
                table.heartbeat(workerId, now + config.leasePeriod.toMillis());
                nextRenewMillis = now + config.renewInterval.toMillis();
            }
            if (!renewalsPaused) {
                balance(table.read(stream), clock.getAsLong());
            }
            consecutiveErrors = 0;
        } catch (RuntimeException e) {
            consecutiveErrors++;
            LOG.warn(
                    "lease coordination of worker {} failed ({} in a row), retrying: {}",
                    workerId,
                    consecutiveErrors,
                    e.toString());
            Retrying.sleepQuietly(backoff.delayMillis(consecutiveErrors));
        }
    }

    private void createPendingLeases() {
        for (ShardInfo shard : List.copyOf(pendingLeases.values())) {
            table.createLease(stream, shard.shardId(), shard.parentShardIds());
            pendingLeases.remove(shard.shardId());
        }
    }

    private void renewAll(long now) {
        long expiry = now + config.leasePeriod.toMillis();
        for (Map.Entry<String, Long> e : List.copyOf(owned.entrySet())) {
            if (expiredLocally(e.getKey(), now)) {
                // its reading stopped at expiry: take it again (a new counter) rather than
                // renewing it, so a write still in flight from before cannot land in a new stint
                lost(e.getKey(), "it expired before it could be renewed");
                continue;
            }
            Lease renewed = table.renew(stream, e.getKey(), workerId, e.getValue(), expiry);
            if (renewed == null) {
                lost(e.getKey(), "renewal was rejected");
            } else if (expiredLocally(e.getKey(), clock.getAsLong())) {
                // it expired while the renewal was under way (DynamoDB slow or down): the same
                // rule, it is taken again with a new counter once the renewed expiry passes
                lost(e.getKey(), "it expired while its renewal was under way");
            } else {
                ownedUntil.put(e.getKey(), expiry);
                if (renewed.handoffTo != null && !renewed.handoffTo.equals(workerId)) {
                    if (handOff.add(e.getKey())) {
                        LOG.info(
                                "worker {} hands {} over to {}",
                                workerId,
                                e.getKey(),
                                renewed.handoffTo);
                    }
                }
            }
        }
    }

    private void lost(String shardId, String why) {
        if (owned.remove(shardId) != null) {
            ownedUntil.remove(shardId);
            handOff.remove(shardId);
            LOG.warn(
                    "worker {} lost the lease of {} ({}); it stops reading that shard",
                    workerId,
                    shardId,
                    why);
        }
    }

    private void balance(LeaseTable.Snapshot snapshot, long now) {
        for (String mine : List.copyOf(owned.keySet())) {
            Lease lease = snapshot.leases.get(mine);
            if (lease == null
                    || !workerId.equals(lease.owner)
                    || lease.counter != owned.get(mine)) {
                lost(mine, "another worker holds it");
            } else if (lease.handoffTo != null && !lease.handoffTo.equals(workerId)) {
                handOff.add(mine);
            }
        }
        List<Lease> readable = LeaseBalance.readable(snapshot.leases, workerId);
        int target =
                Math.min(
                        config.maxLeases,
                        LeaseBalance.fairShare(readable.size(), snapshot.workers, now));
        for (Lease lease : readable) {
            if (owned.size() >= config.maxLeases
                    || (owned.size() >= target && !workerId.equals(lease.handoffTo))) {
                break;
            }
            if (owned.containsKey(lease.shardId)) {
                continue;
            }
            if (LeaseBalance.isFreeFor(lease, workerId, now)) {
                takeLease(lease, now);
            }
        }
        if (owned.size() < target) {
            requestHandOff(readable, target, now);
        }
    }

    private void takeLease(Lease lease, long now) {
        Lease taken = table.take(stream, lease, workerId, now, config.leasePeriod.toMillis());
        if (taken == null) {
            return;
        }
        // the checkpoint as of the take: one written under the previous counter after the
        // snapshot was read (by an owner whose lease had expired) is in it
        if (taken.checkpointSequence != null) {
            leaseCheckpoints.put(
                    lease.shardId,
                    Checkpoint.at(taken.checkpointSequence, taken.checkpointSubSequence));
        } else {
            leaseCheckpoints.remove(lease.shardId);
        }
        long counter = taken.counter;
        owned.put(lease.shardId, counter);
        ownedUntil.put(lease.shardId, now + config.leasePeriod.toMillis());
        if (lease.shardId.equals(pendingRequest)) {
            pendingRequest = null;
        }
        LOG.info(
                "worker {} took {} (counter {}, previous owner {})",
                workerId,
                lease.shardId,
                counter,
                lease.owner);
    }

    private void requestHandOff(List<Lease> readable, int target, long now) {
        if (pendingRequest != null
                && now - pendingRequestSince < 2 * config.leasePeriod.toMillis()) {
            return;
        }
        Lease wanted = LeaseBalance.toRequest(readable, workerId, target, now);
        if (wanted != null && table.requestHandoff(stream, wanted, workerId)) {
            pendingRequest = wanted.shardId;
            pendingRequestSince = now;
            LOG.info("worker {} asked {} to hand over {}", workerId, wanted.owner, wanted.shardId);
        }
    }

    /** Builder of {@link DynamoDbLeaseGroup}. Table and group name are required. */
    public static final class Builder {
        private String tableName;
        private String groupName;
        private String workerId;
        private DynamoDbAsyncClient client;
        private ClientSettings clientSettings;
        private String region;
        private String endpoint;
        private Credentials credentials;
        private boolean createTable;
        private Duration leasePeriod = Duration.ofSeconds(10);
        private Duration renewInterval;
        private Duration takeInterval = Duration.ofSeconds(1);
        private int maxLeases = Integer.MAX_VALUE;
        private LongSupplier clock = System::currentTimeMillis;

        private Builder() {}

        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        /** Workers with the same group name share the stream's shards. */
        public Builder groupName(String groupName) {
            this.groupName = groupName;
            return this;
        }

        /** This worker's id; a random one when not set. */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /** A DynamoDB client of yours (not closed by the group). */
        public Builder client(DynamoDbAsyncClient client) {
            this.client = client;
            return this;
        }

        public Builder clientSettings(ClientSettings clientSettings) {
            this.clientSettings = clientSettings;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Create the lease table (PAY_PER_REQUEST) if it is missing. */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /** How long a lease lives without renewal (default 10 s): the failover time. */
        public Builder leasePeriod(Duration leasePeriod) {
            this.leasePeriod = leasePeriod;
            return this;
        }

        /** How often held leases are renewed (default a third of the lease period). */
        public Builder renewInterval(Duration renewInterval) {
            this.renewInterval = renewInterval;
            return this;
        }

        /** How often the table is read to take free leases and balance (default 1 s). */
        public Builder takeInterval(Duration takeInterval) {
            this.takeInterval = takeInterval;
            return this;
        }

        /**
         * The most leases this worker holds at once (default: no limit); shards beyond every
         * worker's limit wait for another worker.
         */
        public Builder maxLeases(int maxLeases) {
            if (maxLeases < 1) {
                throw new IllegalArgumentException("maxLeases must be >= 1, but was " + maxLeases);
            }
            this.maxLeases = maxLeases;
            return this;
        }

        /**
         * Test hook: the clock (epoch millis) leases are reckoned by, instead of the system clock,
         * so a test decides when a lease expires. Workers of one group must share it.
         */
        Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        public DynamoDbLeaseGroup build() {
            if (tableName == null || !tableName.matches("[a-zA-Z0-9_.-]{3,255}")) {
                throw new IllegalArgumentException(
                        "lease tableName must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-'"
                                + " and '.', but was '"
                                + tableName
                                + "'");
            }
            if (groupName == null || groupName.trim().isEmpty()) {
                throw new IllegalArgumentException("groupName must not be blank");
            }
            if (workerId != null && workerId.trim().isEmpty()) {
                throw new IllegalArgumentException("workerId must not be blank when set");
            }
            Durations.requirePositive(leasePeriod, "leasePeriod");
            if (renewInterval == null) {
                renewInterval = leasePeriod.dividedBy(3);
            }
            Durations.requirePositive(renewInterval, "renewInterval");
            Durations.requirePositive(takeInterval, "takeInterval");
            if (renewInterval.compareTo(leasePeriod) >= 0) {
                throw new IllegalArgumentException(
                        "renewInterval ("
                                + renewInterval
                                + ") must be shorter than leasePeriod ("
                                + leasePeriod
                                + ")");
            }
            if (client == null) {
                ClientSettings.Builder settings =
                        clientSettings != null
                                ? clientSettings.toBuilder()
                                : ClientSettings.builder();
                if (region != null) {
                    settings.region(region);
                }
                if (endpoint != null) {
                    settings.endpoint(endpoint);
                }
                if (credentials != null) {
                    settings.credentials(credentials);
                }
                clientSettings = settings.build();
            }
            return new DynamoDbLeaseGroup(this);
        }
    }
}
