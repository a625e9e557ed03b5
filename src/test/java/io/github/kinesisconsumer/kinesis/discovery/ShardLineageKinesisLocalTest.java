package io.github.kinesisconsumer.kinesis.discovery;

import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.testing.KinesisEmulatorExtension;
import io.github.kinesisconsumer.testing.TestStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Lineage of real split and merge results from kinesis-local. */
class ShardLineageKinesisLocalTest {

    @RegisterExtension
    static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();

    @Test
    void childrenAreReadyOnlyOnceAllParentsAreFinished() {
        TestStream stream = KINESIS.createStream(3);
        stream.split("shardId-000000000000");
        String[] adjacent = stream.adjacentOpenShards();
        // merge two shards that were not split, so the merge child has two parents
        String a = null;
        String b = null;
        for (String[] pair : new String[][] {adjacent}) {
            a = pair[0];
            b = pair[1];
        }
        stream.merge(a, b);

        ShardLineage lineage =
                ShardLineage.of(
                        new ShardLister(
                                        KINESIS.client(),
                                        stream.ref(),
                                        KINESIS.emulator().endpoint())
                                .listAll());

        List<String> splitChildren = lineage.childrenOf("shardId-000000000000");
        assertThat(splitChildren).hasSize(2);
        List<String> mergeChildren = lineage.childrenOf(a);
        assertThat(mergeChildren).hasSize(1);
        String merged = mergeChildren.get(0);
        assertThat(lineage.parentsOf(merged)).containsExactlyInAnyOrder(a, b);
        assertThat(lineage.childrenOf(b)).containsExactly(merged);

        Set<String> finished = new HashSet<>();
        for (String child : splitChildren) {
            assertThat(lineage.isReady(child, finished::contains)).isFalse();
        }
        assertThat(lineage.isReady(merged, finished::contains)).isFalse();
        assertThat(lineage.readyShards(finished::contains))
                .extracting(ShardInfo::shardId)
                .doesNotContain(merged)
                .doesNotContainAnyElementsOf(splitChildren);

        finished.add("shardId-000000000000");
        for (String child : splitChildren) {
            assertThat(lineage.isReady(child, finished::contains)).isTrue();
        }

        finished.add(a);
        assertThat(lineage.isReady(merged, finished::contains))
                .as("merge child waits for both parents")
                .isFalse();
        finished.add(b);
        assertThat(lineage.isReady(merged, finished::contains)).isTrue();
        assertThat(lineage.readyShards(finished::contains))
                .extracting(ShardInfo::shardId)
                .contains(merged)
                .containsAll(splitChildren)
                .doesNotContain("shardId-000000000000", a, b);
        assertThat(lineage.descendantsOf("shardId-000000000000"))
                .containsExactlyInAnyOrderElementsOf(lineage.descendantsOf("shardId-000000000000"));
    }
}
