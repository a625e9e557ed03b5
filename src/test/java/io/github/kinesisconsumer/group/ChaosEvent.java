package io.github.kinesisconsumer.group;

/**
 * One thing a chaos schedule did, with its wall-clock window (epoch ms): a worker incarnation
 * killed (SIGKILL at {@code start}, restarted at {@code end}) or frozen (SIGSTOP .. SIGCONT),
 * DynamoDB Local down, a fault window of the Kinesis proxy, or a reshard.
 */
final class ChaosEvent {

    enum Kind {
        KILL,
        FREEZE,
        DYNAMODB_RESTART,
        THROTTLE,
        SERVER_ERRORS,
        SPLIT,
        MERGE
    }

    final Kind kind;

    /** The worker incarnation hit ({@code w2-0}), or null. */
    final String target;

    final long start;
    volatile long end;
    final String detail;

    ChaosEvent(Kind kind, String target, long start, long end, String detail) {
        this.kind = kind;
        this.target = target;
        this.start = start;
        this.end = end;
        this.detail = detail;
    }

    /** Whether [from, to] meets this event's window. */
    boolean overlaps(long from, long to) {
        return start <= to && end >= from;
    }

    @Override
    public String toString() {
        return kind
                + (target == null ? "" : " " + target)
                + (detail == null ? "" : " " + detail)
                + " "
                + (end - start)
                + " ms";
    }
}
