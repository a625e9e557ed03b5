package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.testing.FaultProxy;
import io.github.kinesisconsumer.testing.StoreWatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The table a chaos soak prints at the end ("SOAK summary"), then every event of its schedule. */
final class SoakSummary {

    private final List<String> rows = new ArrayList<>();

    SoakSummary row(String figure, Object value) {
        rows.add("| " + figure + " | " + value + " |");
        return this;
    }

    /** The rows every chaos soak has: what the schedule did, the faults, what the store showed. */
    SoakSummary chaos(SoakSchedule schedule, FaultProxy kinesis, StoreWatcher watcher) {
        return row("events", new TreeMap<>(schedule.counts()))
                .row("Kinesis faults injected", kinesis.summary())
                .row(
                        "store reads, positions that went back",
                        watcher.reads() + ", " + watcher.regressions().size())
                .row(
                        "store = last record of every shard",
                        "yes (" + watcher.latest().size() + " shards)");
    }

    void print(SoakSchedule schedule) {
        System.out.println("SOAK summary");
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        rows.forEach(System.out::println);
        schedule.events.forEach(e -> System.out.println("SOAK event " + e));
    }
}
