package io.github.kinesisconsumer.kinesis;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Classifies Kinesis call failures. */
final class KinesisErrors {

    private KinesisErrors() {}

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isThrottling(Throwable t) {
        t = unwrap(t);
        if (t instanceof ProvisionedThroughputExceededException
                || t instanceof LimitExceededException
                || t instanceof KmsThrottlingException) {
            return true;
        }
        return t instanceof SdkServiceException
                && ((SdkServiceException) t).isThrottlingException();
    }

    /** 5xx answers, timeouts and network failures: worth a retry after a pause. */
    static boolean isTransient(Throwable t) {
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
