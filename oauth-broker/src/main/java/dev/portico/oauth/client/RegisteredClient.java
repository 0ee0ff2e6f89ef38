package dev.portico.oauth.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one dynamic client registration, as kept per issuer in a {@link RegistrationStore}.
 *
 * @param identity the identity to hand out
 * @param secretExpiresAt when the client secret expires ({@code client_secret_expires_at}, RFC 7591 §3.2.1); empty
 *     for a public client or a secret that does not expire
 */
public record RegisteredClient(ClientIdentity identity, Optional<Instant> secretExpiresAt) {

    /**
     * How long a secret must still be valid to be handed out. A sign-in exchanges its code minutes after it starts
     * (the default state lifetime is ten minutes), so a secret about to expire is as good as expired.
     */
    static final Duration EXPIRY_MARGIN = Duration.ofMinutes(10);

    public RegisteredClient {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(secretExpiresAt, "secretExpiresAt");
    }

    /** Whether the registration can still be used for a sign-in starting at {@code now}. */
    public boolean usableAt(Instant now) {
        return secretExpiresAt
                .map(expiry -> now.plus(EXPIRY_MARGIN).isBefore(expiry))
                .orElse(true);
    }
}
