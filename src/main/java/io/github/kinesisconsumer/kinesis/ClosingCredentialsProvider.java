package io.github.kinesisconsumer.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A credentials provider that owns the client it gets credentials through (the STS client of
 * assume-role credentials) and closes it with itself. An AWS SDK client closes its credentials
 * provider when it is closed, so the STS client lives exactly as long as the client using the
 * credentials. Closing twice is harmless.
 */
final class ClosingCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClosingCredentialsProvider.class);

    private final AwsCredentialsProvider provider;
    private final SdkAutoCloseable owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    ClosingCredentialsProvider(AwsCredentialsProvider provider, SdkAutoCloseable owned) {
        this.provider = provider;
        this.owned = owned;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return provider.resolveCredentials();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (provider instanceof SdkAutoCloseable) {
                ((SdkAutoCloseable) provider).close();
            }
        } catch (RuntimeException e) {
            LOG.debug("closing credentials provider {} failed", provider, e);
        } finally {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return provider.toString();
    }
}
