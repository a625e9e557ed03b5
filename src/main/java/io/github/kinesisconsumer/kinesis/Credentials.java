package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.io.Serializable;
import java.net.URI;
import java.util.Objects;

/**
 * How to obtain AWS credentials. Serializable, so it can travel inside a Flink job graph; the
 * provider is created where the client is built.
 */
@PublicEvolving
public abstract class Credentials implements Serializable {

    private static final long serialVersionUID = 1L;

    private Credentials() {}

    /** The SDK's default chain: environment, system properties, profile, container, instance. */
    public static Credentials defaultChain() {
        return new DefaultChain();
    }

    /** Fixed access key and secret key. */
    public static Credentials basic(String accessKeyId, String secretAccessKey) {
        return new Basic(accessKeyId, secretAccessKey, null);
    }

    /** Fixed temporary credentials with a session token. */
    public static Credentials session(
            String accessKeyId, String secretAccessKey, String sessionToken) {
        requireText(sessionToken, "session token");
        return new Basic(accessKeyId, secretAccessKey, sessionToken);
    }

    /** A named profile from the shared AWS config and credentials files. */
    public static Credentials profile(String profileName) {
        return new Profile(requireText(profileName, "profile name"));
    }

    /**
     * Assumes {@code roleArn} through STS, using {@code base} credentials to call STS; the session
     * is refreshed before it expires.
     */
    public static Credentials assumeRole(String roleArn, String sessionName, Credentials base) {
        return assumeRole(roleArn, sessionName, base, null);
    }

    /**
     * Like {@link #assumeRole(String, String, Credentials)}, calling STS at {@code stsEndpoint}
     * (e.g. a VPC endpoint, or a local stand-in in tests) instead of the region's public endpoint.
     */
    public static Credentials assumeRole(
            String roleArn, String sessionName, Credentials base, String stsEndpoint) {
        return new AssumeRole(
                requireText(roleArn, "role ARN"),
                requireText(sessionName, "role session name"),
                Objects.requireNonNull(base, "base credentials"),
                stsEndpoint == null ? null : stsUri(stsEndpoint));
    }

    private static URI stsUri(String endpoint) {
        try {
            URI uri = new URI(endpoint);
            if (uri.getHost() != null
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "STS endpoint '"
                        + endpoint
                        + "' must be an http:// or https:// URL with a host, e.g."
                        + " https://sts.eu-west-1.amazonaws.com");
    }

    /**
     * Creates the SDK provider. {@code region} is used by STS for assume-role. The provider may own
     * resources (the STS client of assume-role): give it to one SDK client, which closes it when it
     * is closed, or close it yourself.
     */
    public abstract AwsCredentialsProvider createProvider(Region region);

    private static String requireText(String value, String what) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    private static final class DefaultChain extends Credentials {
        private static final long serialVersionUID = 1L;

        @Override
        public AwsCredentialsProvider createProvider(Region region) {
            return DefaultCredentialsProvider.builder().build();
        }

        @Override
        public String toString() {
            return "default-chain";
        }
    }

    private static final class Basic extends Credentials {
        private static final long serialVersionUID = 1L;
        private final String accessKeyId;
        private final String secretAccessKey;
        private final String sessionToken;

        Basic(String accessKeyId, String secretAccessKey, String sessionToken) {
            this.accessKeyId = requireText(accessKeyId, "access key id");
            this.secretAccessKey = requireText(secretAccessKey, "secret access key");
            this.sessionToken = sessionToken;
        }

        @Override
        public AwsCredentialsProvider createProvider(Region region) {
            return StaticCredentialsProvider.create(
                    sessionToken == null
                            ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                            : AwsSessionCredentials.create(
                                    accessKeyId, secretAccessKey, sessionToken));
        }

        @Override
        public String toString() {
            return "basic(" + accessKeyId + ")";
        }
    }

    private static final class Profile extends Credentials {
        private static final long serialVersionUID = 1L;
        private final String profileName;

        Profile(String profileName) {
            this.profileName = profileName;
        }

        @Override
        public AwsCredentialsProvider createProvider(Region region) {
            return ProfileCredentialsProvider.create(profileName);
        }

        @Override
        public String toString() {
            return "profile(" + profileName + ")";
        }
    }

    private static final class AssumeRole extends Credentials {
        private static final long serialVersionUID = 1L;
        private final String roleArn;
        private final String sessionName;
        private final Credentials base;
        private final URI stsEndpoint;

        AssumeRole(String roleArn, String sessionName, Credentials base, URI stsEndpoint) {
            this.roleArn = roleArn;
            this.sessionName = sessionName;
            this.base = base;
            this.stsEndpoint = stsEndpoint;
        }

        @Override
        public AwsCredentialsProvider createProvider(Region region) {
            StsClientBuilder builder =
                    StsClient.builder()
                            .region(region)
                            .credentialsProvider(base.createProvider(region));
            if (stsEndpoint != null) {
                builder.endpointOverride(stsEndpoint);
            }
            StsClient sts = builder.build();
            return new ClosingCredentialsProvider(
                    StsAssumeRoleCredentialsProvider.builder()
                            .stsClient(sts)
                            .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(sessionName))
                            .build(),
                    sts);
        }

        @Override
        public String toString() {
            return "assume-role(" + roleArn + ")";
        }
    }
}
