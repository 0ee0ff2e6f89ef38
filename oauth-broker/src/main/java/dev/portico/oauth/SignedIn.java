package dev.portico.oauth;

import dev.portico.oauth.token.LogIds;
import java.util.Objects;

/**
 * A sign-in finished and its token is stored: the aggregator reconnects the upstream for the owner and tells the
 * client that tools changed.
 *
 * @param owner whose token it is (the downstream session or principal)
 * @param upstream the upstream the sign-in was started for; other upstreams of the same issuer can use the token too
 * @param issuer the authorization server's issuer identifier
 * @param flowId the id the sign-in was announced with ({@link SignInOutcome.SignInRequired#flowId()})
 */
public record SignedIn(String owner, String upstream, String issuer, String flowId) {

    public SignedIn {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(flowId, "flowId");
    }

    /** Shortens the owner, as every log line does. */
    @Override
    public String toString() {
        return "SignedIn[owner=" + LogIds.owner(owner) + ", upstream=" + upstream + ", issuer=" + issuer + "]";
    }
}
