package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.source.AwsOptions.CredentialsProvider;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.util.List;

/**
 * Turns {@link AwsOptions} into {@link ClientSettings}, for the builder and the SQL connector
 * alike. Every failure is an {@link IllegalArgumentException} whose message names the key to fix.
 */
@Internal
public final class AwsClientSettings {

    /** Every option read here, for the table factory's list of accepted keys. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    AwsOptions.REGION,
                    AwsOptions.ENDPOINT,
                    AwsOptions.CBOR,
                    AwsOptions.CREDENTIALS_PROVIDER,
                    AwsOptions.ACCESS_KEY_ID,
                    AwsOptions.SECRET_KEY,
                    AwsOptions.SESSION_TOKEN,
                    AwsOptions.PROFILE_NAME,
                    AwsOptions.ROLE_ARN,
                    AwsOptions.ROLE_SESSION_NAME,
                    AwsOptions.ROLE_BASE_PROVIDER,
                    AwsOptions.ROLE_STS_ENDPOINT);

    private final ReadableConfig options;

    private AwsClientSettings(ReadableConfig options) {
        this.options = options;
    }

    /** True when any AWS option is set. */
    public static boolean anySet(ReadableConfig options) {
        for (ConfigOption<?> option : OPTIONS) {
            if (options.getOptional(option).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client settings the options describe.
     *
     * @param streamArn the stream's ARN if it is given by one: its region is the default region
     */
    public static ClientSettings read(ReadableConfig options, @Nullable String streamArn) {
        return new AwsClientSettings(options).read(streamArn);
    }

    private ClientSettings read(@Nullable String streamArn) {
        String region = text(AwsOptions.REGION);
        if (region == null && streamArn != null) {
            String[] parts = streamArn.split(":");
            region = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
        }
        if (region == null) {
            throw fail("'aws.region' is required (or a stream ARN that names the region).");
        }
        try {
            ClientSettings.builder().region(region).build();
        } catch (IllegalArgumentException e) {
            throw fail("Invalid 'aws.region': " + e.getMessage(), e);
        }
        ClientSettings.Builder builder =
                ClientSettings.builder()
                        .region(region)
                        .credentials(credentials())
                        .cborEnabled(options.get(AwsOptions.CBOR));
        String endpoint = text(AwsOptions.ENDPOINT);
        if (endpoint != null) {
            builder.endpoint(endpoint);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw fail("Invalid 'aws.endpoint': " + e.getMessage(), e);
        }
    }

    private Credentials credentials() {
        CredentialsProvider provider =
                options.getOptional(AwsOptions.CREDENTIALS_PROVIDER).orElse(null);
        if (provider == null) {
            boolean basic =
                    text(AwsOptions.ACCESS_KEY_ID) != null || text(AwsOptions.SECRET_KEY) != null;
            boolean profile = text(AwsOptions.PROFILE_NAME) != null;
            if (basic && profile) {
                throw fail(
                        "Set either '"
                                + AwsOptions.PROFILE_NAME.key()
                                + "' or static credentials ('"
                                + AwsOptions.ACCESS_KEY_ID.key()
                                + "'), not both, or choose one with '"
                                + AwsOptions.CREDENTIALS_PROVIDER.key()
                                + "'.");
            }
            provider =
                    basic
                            ? CredentialsProvider.BASIC
                            : profile ? CredentialsProvider.PROFILE : CredentialsProvider.AUTO;
        }
        if (provider != CredentialsProvider.ASSUME_ROLE) {
            return base(provider, AwsOptions.CREDENTIALS_PROVIDER);
        }
        String role =
                required(
                        AwsOptions.ROLE_ARN,
                        "when '" + AwsOptions.CREDENTIALS_PROVIDER.key() + "' is ASSUME_ROLE");
        String session =
                required(
                        AwsOptions.ROLE_SESSION_NAME,
                        "when '" + AwsOptions.CREDENTIALS_PROVIDER.key() + "' is ASSUME_ROLE");
        CredentialsProvider baseType = options.get(AwsOptions.ROLE_BASE_PROVIDER);
        if (baseType == CredentialsProvider.ASSUME_ROLE) {
            throw fail(
                    "'"
                            + AwsOptions.ROLE_BASE_PROVIDER.key()
                            + "' must be AUTO, BASIC or PROFILE, not ASSUME_ROLE.");
        }
        try {
            return Credentials.assumeRole(
                    role,
                    session,
                    base(baseType, AwsOptions.ROLE_BASE_PROVIDER),
                    text(AwsOptions.ROLE_STS_ENDPOINT));
        } catch (IllegalArgumentException e) {
            throw fail(
                    "Invalid '" + AwsOptions.ROLE_STS_ENDPOINT.key() + "': " + e.getMessage(), e);
        }
    }

    private Credentials base(CredentialsProvider type, ConfigOption<CredentialsProvider> chosenBy) {
        String because = "when '" + chosenBy.key() + "' is " + type;
        switch (type) {
            case BASIC:
                requiredWith(AwsOptions.ACCESS_KEY_ID, AwsOptions.SECRET_KEY);
                requiredWith(AwsOptions.SECRET_KEY, AwsOptions.ACCESS_KEY_ID);
                String keyId = required(AwsOptions.ACCESS_KEY_ID, because);
                String secret = required(AwsOptions.SECRET_KEY, because);
                String token = text(AwsOptions.SESSION_TOKEN);
                return token == null
                        ? Credentials.basic(keyId, secret)
                        : Credentials.session(keyId, secret, token);
            case PROFILE:
                return Credentials.profile(required(AwsOptions.PROFILE_NAME, because));
            case AUTO:
                return Credentials.defaultChain();
            default:
                throw new IllegalStateException(type.name());
        }
    }

    private void requiredWith(ConfigOption<String> option, ConfigOption<String> with) {
        if (text(with) != null) {
            required(option, "with '" + with.key() + "'");
        }
    }

    private String required(ConfigOption<String> option, String condition) {
        String value = text(option);
        if (value == null) {
            throw fail("'" + option.key() + "' is required " + condition + ".");
        }
        return value;
    }

    @Nullable
    private String text(ConfigOption<String> option) {
        return options.getOptional(option).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    }

    private static IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(message);
    }

    private static IllegalArgumentException fail(String message, Throwable cause) {
        return new IllegalArgumentException(message, cause);
    }
}
