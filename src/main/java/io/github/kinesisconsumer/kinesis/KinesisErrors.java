package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.Internal;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Classifies Kinesis call failures. */
@Internal
public final class KinesisErrors {

    /** AWS error codes that mean the request's credentials or signature were not accepted. */
    private static final Set<String> REJECTED_CREDENTIALS =
            Set.of(
                    "UnrecognizedClientException",
                    "InvalidSignatureException",
                    "IncompleteSignature",
                    "IncompleteSignatureException",
                    "InvalidClientTokenId",
                    "ExpiredTokenException",
                    "ExpiredToken",
                    "MissingAuthenticationTokenException");

    private KinesisErrors() {}

    /** The AWS error code of a service error, or null. */
    public static String errorCode(Throwable t) {
        t = unwrap(t);
        if (t instanceof AwsServiceException
                && ((AwsServiceException) t).awsErrorDetails() != null) {
            return ((AwsServiceException) t).awsErrorDetails().errorCode();
        }
        return null;
    }

    public static boolean isCredentialsRejected(Throwable t) {
        String code = errorCode(t);
        return code != null && REJECTED_CREDENTIALS.contains(code);
    }

    /** No connection could be made: refused, unknown host, no route, connect timeout. */
    public static boolean isConnectFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof UnknownHostException
                    || c instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What to fix, for failures whose cause is the configuration rather than the stream: rejected
     * credentials, denied access, an endpoint that cannot be reached. Empty otherwise.
     *
     * @param where the endpoint or region the client points at
     */
    public static String hint(Throwable t, String where) {
        String code = errorCode(t);
        if (isCredentialsRejected(t)) {
            return " — the credentials were rejected ("
                    + code
                    + "): check ClientSettings.credentials(..) (access key, secret, session token,"
                    + " profile or role) and that they belong to the account of the stream";
        }
        if ("AccessDeniedException".equals(code)) {
            return " — access denied: the credentials are valid but lack Kinesis permissions"
                    + " (kinesis:ListShards, GetShardIterator, GetRecords) on this stream";
        }
        if (isConnectFailure(t)) {
            return " — cannot connect to "
                    + where
                    + ": check ClientSettings.endpoint(..) and region(..), and that the service"
                    + " is running and reachable";
        }
        return "";
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    public static boolean isThrottling(Throwable t) {
        t = unwrap(t);
        if (t instanceof ProvisionedThroughputExceededException
                || t instanceof LimitExceededException
                || t instanceof KmsThrottlingException) {
            return true;
        }
        return t instanceof SdkServiceException
                && ((SdkServiceException) t).isThrottlingException();
    }

    /**
     * An AT_TIMESTAMP iterator asked for a moment the service's clock has not reached yet (the
     * caller's clock is ahead): taking it again a little later succeeds.
     */
    public static boolean isTimestampAhead(Throwable t) {
        t = unwrap(t);
        String message = t.getMessage();
        return t instanceof InvalidArgumentException
                && message != null
                // Kinesis and kinesalite; kinesis-local
                && (message.contains("cannot be greater than the currentTimestamp")
                        || message.contains("Timestamp cannot be in the future"));
    }

    /** 5xx answers, timeouts and network failures: worth a retry after a pause. */
    public static boolean isTransient(Throwable t) {
        t = unwrap(t);
        if (isThrottling(t)) {
            return true;
        }
        if (t instanceof SdkServiceException) {
            return ((SdkServiceException) t).statusCode() >= 500;
        }
        if (t instanceof SdkClientException) {
            return !(t.getMessage() != null
                    && t.getMessage().contains("Unable to load credentials"));
        }
        return t instanceof IOException || t instanceof TimeoutException;
    }
}
