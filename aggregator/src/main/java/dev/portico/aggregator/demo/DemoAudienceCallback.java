package dev.portico.aggregator.demo;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.aggregator.demo.DemoSignIns.SignIn;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.grant.TokenExchangeGrant;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * Tells the mock what to put in the tokens it signs: {@code aud} from the RFC 8707 {@code resource} parameters of the
 * token request (the mock ignores them on its own), {@code sub} from the sign-in the front approved, and {@code
 * client_id} and {@code scope}.
 *
 * <p>For the client credentials grant the subject is the client itself. For a token exchange the mock copies the
 * subject token's claims (its {@code sub} among them) and asks here only for the audience, which the front put in the
 * mock's {@code audience} parameter, and for the claims to add.
 *
 * <p>The mock calls this for the authorization code grant, and for the refresh grant with the callback it stored with
 * the refresh token, which is this same object; both read the request at hand, so a refresh for another resource gets
 * a token for that resource.
 */
final class DemoAudienceCallback implements OAuth2TokenCallback {

    private final DemoSignIns signIns;
    private final long lifetimeSeconds;

    DemoAudienceCallback(DemoSignIns signIns, Duration lifetime) {
        this.signIns = signIns;
        this.lifetimeSeconds = lifetime.toSeconds();
    }

    @Override
    public String issuerId() {
        return DemoIdentityProvider.ISSUER_PATH;
    }

    @Override
    public String subject(TokenRequest request) {
        if (request.getAuthorizationGrant() instanceof ClientCredentialsGrant) {
            return clientId(request).map(ClientID::getValue).orElseGet(signIns::defaultSubject);
        }
        return signIn(request).map(SignIn::subject).orElseGet(signIns::defaultSubject);
    }

    @Override
    public String typeHeader(TokenRequest request) {
        return JOSEObjectType.JWT.getType();
    }

    @Override
    public List<String> audience(TokenRequest request) {
        if (request.getAuthorizationGrant() instanceof TokenExchangeGrant exchange) {
            return List.copyOf(exchange.getAudience());
        }
        List<URI> resources = request.getResources();
        return resources == null
                ? List.of()
                : resources.stream().map(URI::toString).toList();
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
        Map<String, Object> claims = new LinkedHashMap<>();
        clientId(request).ifPresent(clientId -> claims.put("client_id", clientId.getValue()));
        signIn(request).flatMap(SignIn::scope).ifPresent(scope -> claims.put("scope", scope));
        machineScope(request).ifPresent(scope -> claims.put("scope", scope));
        return claims;
    }

    private static Optional<ClientID> clientId(TokenRequest request) {
        return Optional.ofNullable(
                request.getClientAuthentication() != null
                        ? request.getClientAuthentication().getClientID()
                        : request.getClientID());
    }

    /** The {@code scope} a machine grant asked for; the mock leaves it in the custom parameters of an exchange. */
    private static Optional<String> machineScope(TokenRequest request) {
        if (request.getAuthorizationGrant() instanceof ClientCredentialsGrant && request.getScope() != null) {
            return Optional.of(request.getScope().toString());
        }
        if (request.getAuthorizationGrant() instanceof TokenExchangeGrant) {
            List<String> scope = request.getCustomParameters().get("scope");
            return scope == null || scope.isEmpty() ? Optional.empty() : Optional.of(scope.get(0));
        }
        return Optional.empty();
    }

    @Override
    public long tokenExpiry() {
        return lifetimeSeconds;
    }

    private Optional<SignIn> signIn(TokenRequest request) {
        if (request.getAuthorizationGrant() instanceof AuthorizationCodeGrant code) {
            return signIns.forCode(code.getAuthorizationCode().getValue());
        }
        if (request.getAuthorizationGrant() instanceof RefreshTokenGrant refresh) {
            return signIns.forRefreshToken(refresh.getRefreshToken().getValue());
        }
        return Optional.empty();
    }
}
