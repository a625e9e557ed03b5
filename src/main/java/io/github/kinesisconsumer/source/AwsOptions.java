package io.github.kinesisconsumer.source;

import io.github.kinesisconsumer.annotation.PublicEvolving;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * AWS client options of {@link KinesisSource} and the SQL connector, under the keys Flink users
 * know from the official AWS connectors ({@code aws.region}, {@code aws.endpoint}, {@code
 * aws.credentials.provider} and its sub-keys). On the builder they apply when no {@link
 * KinesisSourceBuilder#clientSettings client settings} are given.
 */
@PublicEvolving
public final class AwsOptions {

    private AwsOptions() {}

    /** Where credentials come from. */
    public enum CredentialsProvider {
        /**
         * The SDK's default chain: environment, system properties, profile, container, instance.
         */
        AUTO,
        /** A fixed access key and secret key, with an optional session token. */
        BASIC,
        /** A named profile of the shared AWS config and credentials files. */
        PROFILE,
        /** A role assumed through STS, called with the credentials of the role's base provider. */
        ASSUME_ROLE
    }

    public static final ConfigOption<String> REGION =
            ConfigOptions.key("aws.region")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "AWS region, e.g. eu-west-1. Required unless the stream is given by an"
                                    + " ARN (its region is used); any region works for a local"
                                    + " emulator.");

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("aws.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint override, an http:// or https:// URL, e.g."
                                    + " http://127.0.0.1:4567 for an emulator.");

    public static final ConfigOption<Boolean> CBOR =
            ConfigOptions.key("aws.cbor")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "CBOR wire encoding, as real Kinesis uses. Set false for emulators"
                                    + " that only speak JSON (kinesalite).");

    public static final ConfigOption<CredentialsProvider> CREDENTIALS_PROVIDER =
            ConfigOptions.key("aws.credentials.provider")
                    .enumType(CredentialsProvider.class)
                    .noDefaultValue()
                    .withDescription(
                            "AUTO, BASIC, PROFILE or ASSUME_ROLE. Unset: BASIC when an access key"
                                    + " is set, PROFILE when a profile name is set, else AUTO.");

    public static final ConfigOption<String> ACCESS_KEY_ID =
            ConfigOptions.key("aws.credentials.provider.basic.accesskeyid")
                    .stringType()
                    .noDefaultValue()
                    .withDeprecatedKeys("aws.credentials.access-key-id")
                    .withDescription("Access key of BASIC credentials.");

    public static final ConfigOption<String> SECRET_KEY =
            ConfigOptions.key("aws.credentials.provider.basic.secretkey")
                    .stringType()
                    .noDefaultValue()
                    .withDeprecatedKeys("aws.credentials.secret-access-key")
                    .withDescription("Secret key of BASIC credentials.");

    public static final ConfigOption<String> SESSION_TOKEN =
            ConfigOptions.key("aws.credentials.provider.basic.sessiontoken")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Session token of temporary BASIC credentials.");

    public static final ConfigOption<String> PROFILE_NAME =
            ConfigOptions.key("aws.credentials.provider.profile.name")
                    .stringType()
                    .noDefaultValue()
                    .withDeprecatedKeys("aws.credentials.profile")
                    .withDescription("Profile of PROFILE credentials.");

    public static final ConfigOption<String> ROLE_ARN =
            ConfigOptions.key("aws.credentials.provider.role.arn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Role that ASSUME_ROLE assumes.");

    public static final ConfigOption<String> ROLE_SESSION_NAME =
            ConfigOptions.key("aws.credentials.provider.role.sessionName")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("STS session name of ASSUME_ROLE.");

    public static final ConfigOption<CredentialsProvider> ROLE_BASE_PROVIDER =
            ConfigOptions.key("aws.credentials.provider.role.provider")
                    .enumType(CredentialsProvider.class)
                    .defaultValue(CredentialsProvider.AUTO)
                    .withDescription(
                            "Credentials ASSUME_ROLE calls STS with: AUTO, BASIC or PROFILE (with"
                                    + " their own keys above).");

    public static final ConfigOption<String> ROLE_STS_ENDPOINT =
            ConfigOptions.key("aws.credentials.provider.role.sts-endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "STS endpoint of ASSUME_ROLE (a VPC endpoint or a local stand-in);"
                                    + " unset: the region's public endpoint.");
}
