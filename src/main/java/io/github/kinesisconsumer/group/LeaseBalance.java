package io.github.kinesisconsumer.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a worker of a {@link DynamoDbLeaseGroup} balances leases, decided from one read of the lease
 * table: its fair share of the readable leases, which of them are free to take, and, while it holds
 * fewer than its share, which lease to ask the busiest worker to hand over.
 */
final class LeaseBalance {

    private LeaseBalance() {}

    /**
     * The leases that can be read now (not finished, parents finished), those handed over to {@code
     * workerId} first.
     */
    static List<Lease> readable(Map<String, Lease> leases, String workerId) {
        List<Lease> readable = new ArrayList<>();
        for (Lease lease : leases.values()) {
            if (!lease.finished && parentsFinished(lease, leases)) {
                readable.add(lease);
            }
        }
        readable.sort(Comparator.comparing((Lease l) -> !workerId.equals(l.handoffTo)));
        return readable;
    }

    /** {@code readable} leases divided by the workers alive at {@code now}, rounded up. */
    static int fairShare(int readable, Map<String, Long> workersAliveUntil, long now) {
        int live = 0;
        for (long until : workersAliveUntil.values()) {
            if (until > now) {
                live++;
            }
        }
        live = Math.max(1, live);
        return (readable + live - 1) / live;
    }

    /** Unowned and not promised to another worker, or expired. */
    static boolean isFreeFor(Lease lease, String workerId, long now) {
        return (lease.owner == null
                        && (lease.handoffTo == null || lease.handoffTo.equals(workerId)))
                || lease.expiresAtMillis < now;
    }

    /**
     * A lease of the worker that holds the most leases, more than {@code target}, with no hand-over
     * asked yet; null when no worker holds more than its share.
     */
    static Lease toRequest(List<Lease> readable, String workerId, int target, long now) {
        Map<String, List<Lease>> byOwner = new HashMap<>();
        for (Lease lease : readable) {
            if (lease.isHeldAt(now) && !workerId.equals(lease.owner) && lease.handoffTo == null) {
                byOwner.computeIfAbsent(lease.owner, k -> new ArrayList<>()).add(lease);
            }
        }
        List<Lease> busiest = null;
        for (List<Lease> leases : byOwner.values()) {
            if (leases.size() > target && (busiest == null || leases.size() > busiest.size())) {
                busiest = leases;
            }
        }
        return busiest == null ? null : busiest.get(0);
    }

    private static boolean parentsFinished(Lease lease, Map<String, Lease> all) {
        for (String parent : lease.parents) {
            Lease p = all.get(parent);
            if (p != null && !p.finished) {
                return false;
            }
        }
        return true;
    }
}
