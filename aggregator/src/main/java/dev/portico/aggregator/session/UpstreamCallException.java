package dev.portico.aggregator.session;

import dev.portico.transport.upstream.UpstreamFailure;

/** A request to an upstream failed, or could not be sent because the upstream is not connected. */
public final class UpstreamCallException extends RuntimeException {

    private final transient UpstreamFailure failure;

    public UpstreamCallException(UpstreamFailure failure, Throwable cause) {
        super(failure.message(), cause, false, false);
        this.failure = failure;
    }

    public UpstreamFailure failure() {
        return failure;
    }
}
