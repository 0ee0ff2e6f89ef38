package dev.portico.oauth.client;

import java.util.Objects;

/**
 * Why one dynamic registration at an issuer failed, without naming an upstream: concurrent sign-ins for several
 * upstreams share one registration, and each turns this into a {@link ClientRegistrationException} that names its
 * own upstream.
 */
final class RegistrationFailure extends Exception {

    private static final long serialVersionUID = 1L;

    RegistrationFailure(String detail) {
        super(Objects.requireNonNull(detail, "detail"));
    }

    RegistrationFailure(String detail, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
    }

    /** One sentence fragment saying what failed, safe to show users. */
    String detail() {
        return getMessage();
    }
}
