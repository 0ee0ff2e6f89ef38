package dev.portico.oauth;

import dev.portico.config.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What {@link OAuthBroker#onUnauthorized} decided about an upstream's 401 or 403. */
public sealed interface SignInOutcome {

    /**
     * The owner already holds a usable token for this upstream's authorization server (one sign-in serves every
     * upstream of an issuer): retry the call with it.
     */
    record Authorized(Secret accessToken) implements SignInOutcome {
        public Authorized {
            Objects.requireNonNull(accessToken, "accessToken");
        }
    }

    /**
     * The user must sign in: show them {@code startUrl}, Portico's own start link, which carries no PKCE value and
     * nothing about the session.
     *
     * @param startUrl the link to open in a browser
     * @param upstream the upstream's name
     * @param issuer the authorization server's issuer identifier
     * @param scopes the scopes requested, possibly none
     * @param expiresAt when the link stops working
     * @param flowId names this sign-in to the client, for example as a URL elicitation's id; {@link SignedIn}
     *     repeats it
     */
    record SignInRequired(
            URI startUrl, String upstream, String issuer, List<String> scopes, Instant expiresAt, String flowId)
            implements SignInOutcome {
        public SignInRequired {
            Objects.requireNonNull(flowId, "flowId");
            Objects.requireNonNull(startUrl, "startUrl");
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(issuer, "issuer");
            scopes = List.copyOf(scopes);
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * No sign-in is possible: discovery, client registration or the challenge failed. {@code reason} names the
     * upstream and the cause, holds no secret, and is fit to show the user; {@code temporary} says whether asking
     * again later may succeed.
     */
    record Failed(String reason, boolean temporary) implements SignInOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }

        /** A failure that asking again will not change (a misconfigured upstream, no PKCE, ...). */
        public Failed(String reason) {
            this(reason, false);
        }

        /** A failure that may be gone in a moment (the sign-in storage is unreachable): worth asking again. */
        public static Failed temporary(String reason) {
            return new Failed(reason, true);
        }
    }
}
