package dev.portico.aggregator.demo;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
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
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * Tells the mock what to put in the tokens it signs: {@code aud} from the RFC 8707 {@code resource} parameters of the
 * token request (the mock ignores them on its own), {@code sub} from the sign-in the front approved, and {@code
 * client_id} and {@code scope}.
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
        return signIn(request).map(SignIn::subject).orElseGet(signIns::defaultSubject);
    }

    @Override
    public String typeHeader(TokenRequest request) {
        return JOSEObjectType.JWT.getType();
    }

    @Override
    public List<String> audience(TokenRequest request) {
        List<URI> resources = request.getResources();
        return resources == null
                ? List.of()
                : resources.stream().map(URI::toString).toList();
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
        Map<String, Object> claims = new LinkedHashMap<>();
        ClientID clientId = request.getClientAuthentication() != null
                ? request.getClientAuthentication().getClientID()
                : request.getClientID();
        if (clientId != null) {
            claims.put("client_id", clientId.getValue());
        }
        signIn(request).flatMap(SignIn::scope).ifPresent(scope -> claims.put("scope", scope));
        return claims;
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
