package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.kinesis.ClientSettings;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * JUnit 5 extension for tests against a Kinesis emulator. It starts the emulator if it is not
 * running, and gives each test fresh streams with unique names, deleted after the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KinesisEmulatorExtension KINESIS = KinesisEmulatorExtension.kinesisLocal();
 *
 * @Test
 * void reads() {
 *     TestStream stream = KINESIS.createStream(4);
 * }
 * }</pre>
 */
public final class KinesisEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Emulator emulator;
    private final List<TestStream> created = new ArrayList<>();
    private KinesisAsyncClient client;
    private String testName = "test";

    private KinesisEmulatorExtension(Emulator emulator) {
        this.emulator = emulator;
    }

    public static KinesisEmulatorExtension kinesisLocal() {
        return new KinesisEmulatorExtension(Emulator.KINESIS_LOCAL);
    }

    public static KinesisEmulatorExtension kinesalite() {
        return new KinesisEmulatorExtension(Emulator.KINESALITE);
    }

    public Emulator emulator() {
        return emulator;
    }

    public ClientSettings clientSettings() {
        return emulator.clientSettings();
    }

    /** A client for test set-up; closed after all tests. */
    public KinesisAsyncClient client() {
        return client;
    }

    /** Creates an ACTIVE stream with a unique name, deleted after the current test. */
    public synchronized TestStream createStream(int shards) {
        TestStream stream = new TestStream(client, uniqueName(), emulator.endpoint());
        stream.create(shards);
        created.add(stream);
        return stream;
    }

    /** A unique name that no stream has, for a test of a missing stream, say. */
    public String uniqueName() {
        String base = testName.replaceAll("[^a-zA-Z0-9_.-]", "-");
        if (base.length() > 80) {
            base = base.substring(0, 80);
        }
        return base + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator.ensureRunning();
        client = emulator.clientSettings().createAsyncClient();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        testName =
                context.getRequiredTestClass().getSimpleName()
                        + "-"
                        + context.getRequiredTestMethod().getName();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        for (TestStream stream : created) {
            stream.delete();
        }
        created.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
    }
}
