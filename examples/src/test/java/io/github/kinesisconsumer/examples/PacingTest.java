package io.github.kinesisconsumer.examples;

import org.apache.flink.api.common.functions.OpenContext;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CountJob's {@code --max-records-per-second}: events pass unchanged, at most N per second. */
class PacingTest {

    @Test
    void passesEventsAtMostAtTheRate() throws Exception {
        OrderEvent order = OrderEvent.numbered(7, 20, 0);
        Pacing pacing = new Pacing(100);
        long start = System.nanoTime();
        pacing.open((OpenContext) null);
        for (int i = 0; i < 31; i++) {
            assertThat(pacing.map(order)).isSameAs(order);
        }
        // the 31st event is due 300 ms after the first
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(295);
    }

    @Test
    void needsAPositiveRate() {
        assertThatThrownBy(() -> new Pacing(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-records-per-second");
    }
}
