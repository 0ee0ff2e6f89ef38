package dev.portico.store.postgres;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.flow.SignInTarget;
import dev.portico.oauth.token.TokenEndpoint;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The non-secret part of a {@link SignInTarget} as JSON, in a sign-in's {@code details} column: an explicit shape of plain
 * values, so that a change to the broker's records cannot silently change what is stored. The client secret is not
 * part of it; it is sealed in its own column.
 */
record TargetJson(
        String upstream,
        String resource,
        boolean sendResource,
        List<String> scopes,
        Set<String> requiredScopes,
        String authorizationEndpoint,
        String issuer,
        String tokenEndpoint,
        String revocationEndpoint,
        String clientId,
        String clientAuthMethod,
        String clientSource,
        boolean issuerParameterSupported) {

    static TargetJson of(SignInTarget target) {
        TokenEndpoint endpoint = target.tokenEndpoint();
        ClientIdentity client = endpoint.client();
        return new TargetJson(
                target.upstream(),
                target.resource().toString(),
                target.sendResource(),
                target.scopes(),
                target.requiredScopes(),
                target.authorizationEndpoint().toString(),
                endpoint.issuer(),
                endpoint.uri().toString(),
                endpoint.revocationUri().map(URI::toString).orElse(null),
                client.clientId().getValue(),
                client.method().configName(),
                client.source().name(),
                target.issuerParameterSupported());
    }

    /** The target back, with {@code clientSecret} (opened from its own column) in its client identity. */
    SignInTarget toTarget(Optional<Secret> clientSecret) {
        TargetJson json = this;
        ClientAuthMethod method = ClientAuthMethod.fromConfigName(json.clientAuthMethod)
                .orElseThrow(() -> new IllegalStateException(
                        "a stored sign-in target has an unknown client auth method: " + json.clientAuthMethod));
        ClientIdentity client = new ClientIdentity(
                new ClientID(json.clientId), clientSecret, method, ClientIdentity.Source.valueOf(json.clientSource));
        TokenEndpoint endpoint = new TokenEndpoint(
                json.issuer,
                URI.create(json.tokenEndpoint),
                client,
                Optional.ofNullable(json.revocationEndpoint).map(URI::create));
        return new SignInTarget(
                json.upstream,
                URI.create(json.resource),
                json.sendResource,
                json.scopes,
                json.requiredScopes,
                URI.create(json.authorizationEndpoint),
                endpoint,
                json.issuerParameterSupported);
    }
}
