package io.github.kinesisconsumer.group;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the workers of a chaos run journaled ({@link JournalingGroup} lines, one file per worker
 * incarnation), checked against what was written and what the schedule did.
 *
 * <p>The at-least-once window, as {@code docs/standalone-consumer.md} states it: a record can be
 * delivered again only while no fenced checkpoint of its shard has passed it. So every delivery of
 * a record (first or again) must be of a record after every checkpoint of its shard that the lease
 * table accepted before the delivery; a delivery at or before such a checkpoint is out of the
 * window (counted in {@link #outOfWindow}). Duplicates are attributed to what happened to the
 * worker that delivered the record before, between the two deliveries: killed, frozen, DynamoDB
 * Local down, else other (a lease lost to faults or balance).
 */
final class ChaosJournal {

    static final class Delivery {
        final String incarnation;
        final long millis;
        final String shard;
        final BigInteger sequence;
        final int index;

        Delivery(String incarnation, long millis, String shard, BigInteger sequence, int index) {
            this.incarnation = incarnation;
            this.millis = millis;
            this.shard = shard;
            this.sequence = sequence;
            this.index = index;
        }

        @Override
        public String toString() {
            return incarnation + "@" + millis + " " + shard + "/" + sequence + " r-" + index;
        }
    }

    private static final class Fenced {
        final String incarnation;
        final long millis;
        final BigInteger sequence;
        final boolean accepted;

        Fenced(String incarnation, long millis, BigInteger sequence, boolean accepted) {
            this.incarnation = incarnation;
            this.millis = millis;
            this.sequence = sequence;
            this.accepted = accepted;
        }
    }

    final List<Delivery> deliveries = new ArrayList<>();
    private final Map<Integer, List<Delivery>> byIndex = new HashMap<>();
    private final Map<String, List<Fenced>> checkpoints = new HashMap<>();
    final int written;
    final int distinct;
    final int lost;
    final List<String> lostSample = new ArrayList<>();
    final Map<String, Integer> duplicatesByCause = new TreeMap<>();
    int duplicates;
    final List<Delivery> outOfWindow = new ArrayList<>();
    final List<String> orderViolations = new ArrayList<>();
    final List<String> lateDeliveries = new ArrayList<>();
    final List<String> lateCheckpoints = new ArrayList<>();
    int checkpointsAccepted;
    int checkpointsRejected;
    int maxLatePerShard;

    ChaosJournal(
            List<Path> journals, int written, int keys, List<ChaosEvent> events, long leaseMillis) {
        this.written = written;
        for (Path journal : journals) {
            read(journal);
        }
        deliveries.sort(Comparator.comparingLong(d -> d.millis));
        for (List<Fenced> list : checkpoints.values()) {
            list.sort(Comparator.comparingLong(c -> c.millis));
        }
        Map<Integer, Delivery> first = new HashMap<>();
        for (Delivery d : deliveries) {
            byIndex.computeIfAbsent(d.index, k -> new ArrayList<>()).add(d);
            if (!precedesCheckpoints(d)) {
                outOfWindow.add(d);
            }
            Delivery before = first.get(d.index);
            if (before == null) {
                first.put(d.index, d);
            } else {
                duplicates++;
                duplicatesByCause.merge(cause(before, d, events, leaseMillis), 1, Integer::sum);
            }
        }
        Map<Integer, Delivery> last = new HashMap<>();
        for (Delivery d : deliveries) {
            last.put(d.index, d);
        }
        int missing = 0;
        for (int i = 0; i < written; i++) {
            if (!first.containsKey(i)) {
                missing++;
                if (lostSample.size() < 10) {
                    lostSample.add("r-" + i);
                }
            }
        }
        this.lost = missing;
        this.distinct = first.size();
        checkKeyOrder(first, keys);
        checkFrozenWorkers(events, leaseMillis);
    }

    private void read(Path journal) {
        String name = journal.getFileName().toString().replace(".journal", "");
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 5) {
                continue; // a line cut short by SIGKILL
            }
            long millis = Long.parseLong(f[1]);
            BigInteger seq = new BigInteger(f[3]);
            if (f[0].equals("D") && f[4].startsWith("r-")) {
                int index = Integer.parseInt(f[4].substring(2));
                deliveries.add(new Delivery(name, millis, f[2], seq, index));
            } else if (f[0].equals("C")) {
                boolean ok = f[4].equals("A") || f[4].equals("F");
                if (ok) {
                    checkpointsAccepted++;
                } else {
                    checkpointsRejected++;
                }
                checkpoints
                        .computeIfAbsent(f[2], k -> new ArrayList<>())
                        .add(new Fenced(name, millis, seq, ok));
            }
        }
    }

    /** The delivery is after every checkpoint of its shard accepted before it. */
    private boolean precedesCheckpoints(Delivery d) {
        for (Fenced c : checkpoints.getOrDefault(d.shard, List.of())) {
            if (c.millis >= d.millis) {
                break;
            }
            if (c.accepted && c.sequence.compareTo(d.sequence) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String cause(
            Delivery before, Delivery again, List<ChaosEvent> events, long leaseMillis) {
        String why = null;
        for (ChaosEvent e : events) {
            boolean hit =
                    e.overlaps(before.millis, again.millis)
                            && (e.kind == ChaosEvent.Kind.DYNAMODB_RESTART
                                    || before.incarnation.equals(e.target));
            if (!hit) {
                continue;
            }
            if (e.kind == ChaosEvent.Kind.KILL) {
                return "kill";
            }
            if (e.kind == ChaosEvent.Kind.FREEZE) {
                why = "freeze";
            } else if (e.kind == ChaosEvent.Kind.DYNAMODB_RESTART && why == null) {
                why = "dynamodb-restart";
            }
        }
        if (why == null) {
            why = before.incarnation.equals(again.incarnation) ? "other-same-worker" : "other";
        }
        return why;
    }

    /** Per key (index % keys), first deliveries in the order written. */
    private void checkKeyOrder(Map<Integer, Delivery> first, int keys) {
        long[] lastMillis = new long[keys];
        int[] lastIndex = new int[keys];
        for (int i = 0; i < written; i++) {
            Delivery d = first.get(i);
            if (d == null) {
                continue;
            }
            int key = i % keys;
            if (d.millis < lastMillis[key] && orderViolations.size() < 20) {
                orderViolations.add(
                        "key-"
                                + key
                                + ": r-"
                                + i
                                + " first delivered at "
                                + d
                                + ", before r-"
                                + lastIndex[key]
                                + " (at "
                                + lastMillis[key]
                                + ")");
            }
            if (d.millis >= lastMillis[key]) {
                lastMillis[key] = d.millis;
                lastIndex[key] = i;
            }
        }
    }

    /**
     * A frozen worker, once thawed, must not go on as owner of a shard another worker read while it
     * was frozen: at most the callback it was frozen in finishes (one delivery per shard), and no
     * checkpoint of a record delivered after the thaw is accepted.
     */
    private void checkFrozenWorkers(List<ChaosEvent> events, long leaseMillis) {
        for (ChaosEvent e : events) {
            if (e.kind != ChaosEvent.Kind.FREEZE) {
                continue;
            }
            Set<String> taken = new HashSet<>();
            Map<String, BigInteger> lastBefore = new HashMap<>();
            for (Delivery d : deliveries) {
                if (!d.incarnation.equals(e.target) && d.millis > e.start && d.millis <= e.end) {
                    taken.add(d.shard);
                }
                if (d.incarnation.equals(e.target) && d.millis <= e.start) {
                    lastBefore.merge(d.shard, d.sequence, BigInteger::max);
                }
            }
            long windowEnd = e.end + leaseMillis + 1_000;
            Map<String, Integer> latePerShard = new HashMap<>();
            for (Delivery d : deliveries) {
                if (d.incarnation.equals(e.target)
                        && d.millis > e.end
                        && d.millis <= windowEnd
                        && taken.contains(d.shard)
                        && deliveredByAnotherSince(d, e.start)) {
                    int n = latePerShard.merge(d.shard, 1, Integer::sum);
                    maxLatePerShard = Math.max(maxLatePerShard, n);
                    lateDeliveries.add(e.target + " after SIGCONT: " + d);
                }
            }
            for (Map.Entry<String, List<Fenced>> c : checkpoints.entrySet()) {
                if (!taken.contains(c.getKey())) {
                    continue;
                }
                for (Fenced f : c.getValue()) {
                    if (f.incarnation.equals(e.target)
                            && f.accepted
                            && f.millis > e.end
                            && f.millis <= windowEnd
                            && pastFrozenPosition(f, lastBefore.get(c.getKey()))
                            && behindAnother(f, c.getValue(), e.start)) {
                        lateCheckpoints.add(
                                e.target + " after SIGCONT: " + c.getKey() + "/" + f.sequence);
                    }
                }
            }
        }
    }

    /**
     * Whether f is past every record the worker delivered before it froze: a checkpoint of what it
     * delivered before is one whose write was under way when it froze (DynamoDB applied it then,
     * the worker journaled it after SIGCONT), accepted before anyone took the shard.
     */
    private static boolean pastFrozenPosition(Fenced f, BigInteger lastDeliveredBefore) {
        return lastDeliveredBefore == null || f.sequence.compareTo(lastDeliveredBefore) > 0;
    }

    /**
     * Whether another incarnation had a checkpoint at or past f accepted after {@code since} and
     * before f: f then came from the reading the other worker took over (a lease taken anew starts
     * after the other's last checkpoint, so its checkpoints are past it).
     */
    private static boolean behindAnother(Fenced f, List<Fenced> shardCheckpoints, long since) {
        for (Fenced g : shardCheckpoints) {
            if (!g.incarnation.equals(f.incarnation)
                    && g.accepted
                    && g.millis > since
                    && g.millis < f.millis
                    && g.sequence.compareTo(f.sequence) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether another incarnation delivered d's record after {@code since}: d then continues a
     * reading the other worker took over, not a reading of a lease taken anew (which starts after
     * the other worker's last checkpoint; a hand-off flushes it first).
     */
    private boolean deliveredByAnotherSince(Delivery d, long since) {
        for (Delivery other : byIndex.getOrDefault(d.index, List.of())) {
            if (!other.incarnation.equals(d.incarnation)
                    && other.millis > since
                    && other.millis <= d.millis) {
                return true;
            }
        }
        return false;
    }

    int deliveriesTotal() {
        return deliveries.size();
    }
}
