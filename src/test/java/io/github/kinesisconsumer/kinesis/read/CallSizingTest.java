package io.github.kinesisconsumer.kinesis.read;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arithmetic of {@link CallSizing}; what it does against kinesalite is in {@link
 * PollingBufferBudgetTest}.
 */
class CallSizingTest {

    private static final long KB = 1_024;

    @Test
    void limitIsWhatFitsInTheRoomLeftAtLeastOne() {
        assertThat(CallSizing.limit(10_000, 1_512, 64 * KB, 0)).isEqualTo(43);
        assertThat(CallSizing.limit(10_000, 1_512, 64 * KB, 64 * KB - 1))
                .as("waits: less than half of what it wants is free")
                .isZero();
        assertThat(CallSizing.limit(10, 1_512, 64 * KB, 64 * KB - 8_000))
                .as("half of what it wants is free: as many as fit")
                .isEqualTo(5);
        assertThat(CallSizing.limit(1, 1_512, 64 * KB, 64 * KB - 1_000))
                .as("at least one record, past the budget by less than one record")
                .isEqualTo(1);
        assertThat(CallSizing.limit(10_000, 1_512, 64 * KB, 64 * KB)).as("budget used up").isZero();
        assertThat(CallSizing.limit(10_000, BufferBudget.UNKNOWN_RECORD_COST, 64 * KB, 0))
                .as("nothing read yet: one record of the largest size")
                .isEqualTo(1);
        assertThat(CallSizing.limit(500, 600, 64L * KB * KB, 0)).isEqualTo(500);
    }

    @Test
    void caughtUpShardsWantTwiceTheirLastAnswer() {
        assertThat(CallSizing.wanted(10_000, true, 3)).isEqualTo(10_000);
        assertThat(CallSizing.wanted(10_000, false, 0)).isEqualTo(CallSizing.CAUGHT_UP_LIMIT);
        assertThat(CallSizing.wanted(10_000, false, 700)).isEqualTo(1_400);
        assertThat(CallSizing.wanted(1_000, false, 700)).isEqualTo(1_000);
    }
}
