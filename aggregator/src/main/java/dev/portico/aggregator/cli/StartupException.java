package dev.portico.aggregator.cli;

/** Portico could not start; the message is the whole explanation, printed as is (exit code 1). */
final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
