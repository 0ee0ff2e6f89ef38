package dev.portico.oauth;

import dev.portico.oauth.token.LogIds;
import java.util.Objects;

/**
 * A sign-in ended at the callback without tokens (refused, expired, or failed at the token endpoint): its link is
 * spent, so whoever showed it should offer a new one.
 *
 * @param owner whose sign-in it was
 * @param upstream the upstream it was started for
 * @param flowId the id it was announced with ({@link SignInOutcome.SignInRequired#flowId()})
 */
public record SignInFailed(String owner, String upstream, String flowId) {

    public SignInFailed {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(flowId, "flowId");
    }

    /** Shortens the owner, as every log line does. */
    @Override
    public String toString() {
        return "SignInFailed[owner=" + LogIds.owner(owner) + ", upstream=" + upstream + "]";
    }
}
