package io.github.kinesisconsumer.kinesis.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our base64 decoding against the JDK's, on every length up to 3,000 bytes and on bad input. */
class Base64TextTest {

    @Test
    void decodesWhatTheJdkEncodes() throws IOException {
        Random random = new Random(7);
        for (int length = 0; length <= 3_000; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            char[] text = ("xx" + Base64.getEncoder().encodeToString(data) + "yy").toCharArray();
            assertThat(Base64Text.decode(text, 2, text.length - 4)).isEqualTo(data);
        }
    }

    @Test
    void refusesWhatIsNotBase64() {
        for (String bad : new String[] {"QUJ", "QU*D", "QUJDRA=", "QUJD\u00e9A==", "QU\nD"}) {
            char[] text = bad.toCharArray();
            assertThatThrownBy(() -> Base64Text.decode(text, 0, text.length))
                    .as(bad)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not valid base64");
        }
    }
}
