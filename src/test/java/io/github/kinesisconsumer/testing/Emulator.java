package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** The Kinesis emulators started by {@code scripts/services.sh}. */
public enum Emulator {
    /** kinesis-mock: full API (resharding, ChildShards, lag, EFO); slow as shards fill. */
    KINESIS_LOCAL("kinesis-local", "KC_KINESIS_LOCAL_ENDPOINT", "http://127.0.0.1:4567", true),
    /** kinesalite: fast, polling only, JSON only (CBOR off). */
    KINESALITE("kinesalite", "KC_KINESALITE_ENDPOINT", "http://127.0.0.1:4569", false);

    private final String serviceName;
    private final String envVar;
    private final String defaultEndpoint;
    private final boolean cbor;

    Emulator(String serviceName, String envVar, String defaultEndpoint, boolean cbor) {
        this.serviceName = serviceName;
        this.envVar = envVar;
        this.defaultEndpoint = defaultEndpoint;
        this.cbor = cbor;
    }

    public String endpoint() {
        String fromEnv = System.getenv(envVar);
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : defaultEndpoint;
    }

    public ClientSettings clientSettings() {
        return ClientSettings.builder()
                .region("us-east-1")
                .endpoint(endpoint())
                .credentials(Credentials.basic("local", "local"))
                .cborEnabled(cbor)
                .build();
    }

    /** Starts the emulator with the project's script unless it already answers. */
    public void ensureRunning() {
        if (reachable()) {
            return;
        }
        if (ServicesScript.run("start", serviceName) != 0) {
            throw new IllegalStateException(
                    "scripts/services.sh start "
                            + serviceName
                            + " failed; see target/services-from-tests.log");
        }
        if (!reachable()) {
            throw new IllegalStateException(
                    serviceName
                            + " is not reachable at "
                            + endpoint()
                            + "; run scripts/services.sh start");
        }
    }

    private boolean reachable() {
        URI uri = URI.create(endpoint());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
