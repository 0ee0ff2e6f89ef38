package dev.portico.aggregator.demo;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.portico.aggregator.demo.DemoIdentityProvider.RevocationRecord;
import dev.portico.aggregator.demo.DemoSignIns.SignIn;
import dev.portico.config.ClientAuthMethod;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Optional;
import java.util.Set;

/**
 * The demo identity provider's RFC 7009 revocation endpoint. It authenticates the client as the token endpoint does
 * (RFC 7009 §2.1), then revokes the token if it was issued to that client: a refresh token is forgotten, so that the
 * token endpoint refuses it with {@code invalid_grant}; an access token (one of the provider's JWTs, recognised by its
 * {@code iss} and {@code client_id} claims, whatever the {@code token_type_hint}) joins the revoked list that protected
 * demo upstreams consult. A token the provider does not know is answered with 200 as RFC 7009 §2.2 asks: the client
 * cannot do anything about it.
 */
final class DemoRevocationServlet extends HttpServlet {

    private static final String ENDPOINT = "revocation";
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final DemoIdpEndpoints endpoints;
    private final DemoClientRegistry clients;
    private final DemoSignIns signIns;
    private final DemoRevocations revocations;
    private final DemoIdpActivity activity;

    DemoRevocationServlet(
            DemoIdpEndpoints endpoints,
            DemoClientRegistry clients,
            DemoSignIns signIns,
            DemoRevocations revocations,
            DemoIdpActivity activity) {
        this.endpoints = endpoints;
        this.clients = clients;
        this.signIns = signIns;
        this.revocations = revocations;
        this.activity = activity;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        Optional<DemoForm> parsed = bytes.length > MAX_BODY_BYTES
                ? Optional.empty()
                : DemoForm.parse(new String(bytes, StandardCharsets.UTF_8));
        if (parsed.isEmpty()) {
            error(response, 400, "invalid_request", "the body is too large or not valid form encoding");
            return;
        }
        DemoForm form = parsed.get();
        activity.secrets().received(form, request.getHeader("Authorization"));
        if (!form.repeatedExcept(Set.of()).isEmpty()) {
            error(response, 400, "invalid_request", "a parameter is given more than once");
            return;
        }
        DemoClientAuthentication.Parsed auth = DemoClientAuthentication.parse(request.getHeader("Authorization"), form);
        if (auth.authentication().isEmpty()) {
            error(response, 401, "invalid_client", auth.problem());
            return;
        }
        DemoClientAuthentication client = auth.authentication().get();
        Optional<String> hint = form.get("token_type_hint");
        Optional<String> problem = clients.authenticationProblem(client);
        if (problem.isPresent()) {
            if (client.method() == ClientAuthMethod.CLIENT_SECRET_BASIC) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + DemoIdentityProvider.ISSUER_PATH + "\"");
            }
            record(client, hint, RevocationRecord.UNKNOWN, 401);
            error(response, 401, "invalid_client", problem.get());
            return;
        }
        Optional<String> token = form.get("token").filter(t -> !t.isEmpty());
        if (token.isEmpty()) {
            record(client, hint, RevocationRecord.UNKNOWN, 400);
            error(response, 400, "invalid_request", "token is missing");
            return;
        }
        revoke(client, hint, token.get(), response);
    }

    private void revoke(
            DemoClientAuthentication client, Optional<String> hint, String token, HttpServletResponse response)
            throws IOException {
        Optional<SignIn> refreshed = signIns.forRefreshToken(token);
        if (refreshed.isPresent()) {
            if (!refreshed.get().clientId().equals(client.clientId())) {
                record(client, hint, RevocationRecord.REFRESH_TOKEN, 400);
                error(response, 400, "unauthorized_client", "the refresh token was issued to another client");
                return;
            }
            signIns.refreshTokenRevoked(token);
            record(client, hint, RevocationRecord.REFRESH_TOKEN, 200);
            ok(response);
            return;
        }
        Optional<String> accessTokenClient = accessTokenClient(token);
        if (accessTokenClient.isEmpty()) {
            record(client, hint, RevocationRecord.UNKNOWN, 200);
            ok(response);
            return;
        }
        if (!accessTokenClient.get().equals(client.clientId())) {
            record(client, hint, RevocationRecord.ACCESS_TOKEN, 400);
            error(response, 400, "unauthorized_client", "the access token was issued to another client");
            return;
        }
        revocations.revokeAccessToken(token);
        record(client, hint, RevocationRecord.ACCESS_TOKEN, 200);
        ok(response);
    }

    /** The {@code client_id} of an access token this provider issued; empty for anything else. */
    private Optional<String> accessTokenClient(String token) {
        try {
            JWT jwt = JWTParser.parse(token);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!endpoints.issuer().toString().equals(claims.getIssuer())) {
                return Optional.empty();
            }
            return Optional.ofNullable(claims.getStringClaim("client_id"));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private void record(DemoClientAuthentication client, Optional<String> hint, String tokenKind, int status) {
        revocations.recordRequest(new RevocationRecord(client.clientId(), client.method(), hint, tokenKind, status));
    }

    private static void ok(HttpServletResponse response) {
        response.setStatus(200);
        response.setHeader("Cache-Control", "no-store");
    }

    private void error(HttpServletResponse response, int status, String code, String description) throws IOException {
        activity.refused(ENDPOINT, code + ": " + description);
        DemoHttp.oauthError(response, status, code, description);
    }
}
