package dev.portico.oauth;

import dev.portico.config.LimitsConfig;
import dev.portico.config.OAuthConfig;
import dev.portico.oauth.client.RegistrationStore;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.token.TokenStore;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything {@link OAuthBroker#create} needs.
 *
 * @param oauth the {@code oauth} config: callback path, CIMD path or URL, client name, state and metadata lifetimes
 * @param publicBaseUrl Portico's public URL, under which the start link, the callback and the CIMD live; a supplier
 *     because it may be known only once the server listens
 * @param http the limits of the broker's outbound HTTP client (which the broker starts and closes)
 * @param clock the time source for expiry and rate limits, replaceable in tests
 * @param signInStore where started sign-ins wait; empty for the in-memory store
 * @param tokenStore where tokens are kept; empty for the in-memory store
 * @param registrationStore where dynamic client registrations are kept; empty for the in-memory store
 * @param limits the {@code limits} config: sign-in rate limits, and the caps of the in-memory stores (a store passed
 *     in brings its own)
 * @param evictions told when an in-memory store drops entries to stay within its caps
 */
public record BrokerSettings(
        OAuthConfig oauth,
        Supplier<URI> publicBaseUrl,
        OutboundHttpSettings http,
        Clock clock,
        Optional<SignInStore> signInStore,
        Optional<TokenStore> tokenStore,
        Optional<RegistrationStore> registrationStore,
        LimitsConfig limits,
        EvictionListener evictions) {

    public BrokerSettings {
        Objects.requireNonNull(oauth, "oauth");
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(signInStore, "signInStore");
        Objects.requireNonNull(tokenStore, "tokenStore");
        Objects.requireNonNull(registrationStore, "registrationStore");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(evictions, "evictions");
    }

    /** The system clock, in-memory stores and the default limits. */
    public static BrokerSettings of(OAuthConfig oauth, Supplier<URI> publicBaseUrl, OutboundHttpSettings http) {
        return new BrokerSettings(
                oauth,
                publicBaseUrl,
                http,
                Clock.systemUTC(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                LimitsConfig.defaults(),
                EvictionListener.NONE);
    }

    public BrokerSettings withClock(Clock newClock) {
        return new BrokerSettings(
                oauth, publicBaseUrl, http, newClock, signInStore, tokenStore, registrationStore, limits, evictions);
    }

    public BrokerSettings withSignInStore(SignInStore store) {
        return new BrokerSettings(
                oauth,
                publicBaseUrl,
                http,
                clock,
                Optional.of(store),
                tokenStore,
                registrationStore,
                limits,
                evictions);
    }

    public BrokerSettings withTokenStore(TokenStore store) {
        return new BrokerSettings(
                oauth,
                publicBaseUrl,
                http,
                clock,
                signInStore,
                Optional.of(store),
                registrationStore,
                limits,
                evictions);
    }

    public BrokerSettings withRegistrationStore(RegistrationStore store) {
        return new BrokerSettings(
                oauth, publicBaseUrl, http, clock, signInStore, tokenStore, Optional.of(store), limits, evictions);
    }

    public BrokerSettings withLimits(LimitsConfig newLimits, EvictionListener newEvictions) {
        return new BrokerSettings(
                oauth, publicBaseUrl, http, clock, signInStore, tokenStore, registrationStore, newLimits, newEvictions);
    }
}
