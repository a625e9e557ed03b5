package io.github.kinesisconsumer.consumer;

/**
 * Where a callback failed: attached as a suppressed exception to what the callback threw, which the
 * scan rethrows unchanged, so stack traces and logs name the shard and the sequence numbers.
 */
final class CallbackFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private CallbackFailure(String message) {
        super(message, null, false, false);
    }

    /** Adds the context to {@code thrown} and returns it, for rethrowing. */
    static Exception attach(Exception thrown, String context) {
        thrown.addSuppressed(new CallbackFailure(context));
        return thrown;
    }

    static String subSequence(ScanRecord record) {
        return record.subSequenceNumber() < 0 ? "" : "/" + record.subSequenceNumber();
    }
}
