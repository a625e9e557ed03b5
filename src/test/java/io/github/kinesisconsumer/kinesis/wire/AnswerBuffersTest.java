package io.github.kinesisconsumer.kinesis.wire;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The arrays answers are read into: reused, large enough, and never more than the pool holds. */
class AnswerBuffersTest {

    @Test
    void givesBackArraysForReuseUpToItsLimits() {
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i < AnswerBuffers.KEPT + 4; i++) {
            byte[] buffer = AnswerBuffers.take(1_500_000);
            assertThat(buffer.length).isBetween(1_500_000, AnswerBuffers.LARGEST);
            taken.add(buffer);
        }
        taken.forEach(AnswerBuffers::give);
        Map<byte[], Boolean> reused = new IdentityHashMap<>();
        for (int i = 0; i < AnswerBuffers.KEPT + 4; i++) {
            byte[] buffer = AnswerBuffers.take(1_000);
            if (taken.stream().anyMatch(t -> t == buffer)) {
                reused.put(buffer, true);
            }
        }
        assertThat(reused).hasSize(AnswerBuffers.KEPT);

        byte[] huge = AnswerBuffers.take(AnswerBuffers.LARGEST + 1);
        assertThat(huge).hasSize(AnswerBuffers.LARGEST + 1);
        AnswerBuffers.give(huge);
        for (int i = 0; i < AnswerBuffers.KEPT + 1; i++) {
            assertThat(AnswerBuffers.take(10)).isNotSameAs(huge);
        }
    }
}
