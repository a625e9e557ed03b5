package io.github.kinesisconsumer.kinesis.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Payload decoding from the answer's bytes, on every length up to 3,000 bytes, and on input the
 * SDK's decoding refuses (it takes unpadded base64, so do we).
 */
class Base64TextTest {

    @Test
    void decodesWhatTheJdkEncodes() throws IOException {
        Random random = new Random(7);
        for (int length = 0; length <= 3_000; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            byte[] text =
                    ("xx" + Base64.getEncoder().encodeToString(data) + "yy")
                            .getBytes(StandardCharsets.US_ASCII);
            assertThat(Base64Text.decode(text, 2, text.length - 4)).isEqualTo(data);
        }
    }

    @Test
    void takesUnpaddedBase64AsTheSdkDoes() throws IOException {
        byte[] text = "QUJ".getBytes(StandardCharsets.US_ASCII);
        assertThat(Base64Text.decode(text, 0, text.length))
                .isEqualTo(software.amazon.awssdk.utils.BinaryUtils.fromBase64("QUJ"))
                .isEqualTo("AB".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void refusesWhatIsNotBase64() {
        for (String bad : new String[] {"QU*D", "QUJDRA=", "QUJD\u00e9A==", "QU\nD"}) {
            byte[] text = bad.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Base64Text.decode(text, 0, text.length))
                    .as(bad)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not valid base64");
        }
    }
}
