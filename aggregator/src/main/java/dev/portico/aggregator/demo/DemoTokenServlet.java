package dev.portico.aggregator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portico.aggregator.demo.DemoIdentityProvider.TokenRequestRecord;
import dev.portico.aggregator.demo.DemoSignIns.SignIn;
import dev.portico.config.ClientAuthMethod;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo identity provider's token endpoint: authenticates the client as it registered, checks that the code or
 * refresh token was issued to it (and, for a code, that the redirect URI is repeated and a PKCE verifier is sent),
 * then forwards the request unchanged to the mock, which verifies the verifier and signs the tokens.
 *
 * <p>Machine grants need a confidential client: {@code client_credentials} is passed on as it is; a token exchange
 * (RFC 8693) only with an access token as {@code subject_token} that {@link DemoSubjectTokens} accepts, and with the
 * mock's required {@code audience} parameter set to the request's {@code resource} and {@code audience} values, so that
 * the exchanged token is bound to the upstream it is for.
 *
 * <p>The mock names the issuer after the address a request reached; the forwarded request says (with
 * {@code X-Forwarded-Port}, which the mock honours) that it reached the front, so the tokens' {@code iss} is the
 * front's issuer, the one in the metadata.
 */
final class DemoTokenServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);
    static final String CLIENT_CREDENTIALS = "client_credentials";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final String ENDPOINT = "token";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DemoIdpEndpoints endpoints;
    private final DemoClientRegistry clients;
    private final DemoSignIns signIns;
    private final DemoSubjectTokens subjectTokens;
    private final DemoIdpActivity activity;
    private final Object mockLock;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    DemoTokenServlet(
            DemoIdpEndpoints endpoints,
            DemoClientRegistry clients,
            DemoSignIns signIns,
            DemoSubjectTokens subjectTokens,
            DemoIdpActivity activity,
            Object mockLock) {
        this.endpoints = endpoints;
        this.clients = clients;
        this.signIns = signIns;
        this.subjectTokens = subjectTokens;
        this.activity = activity;
        this.mockLock = mockLock;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            error(response, 400, "invalid_request", "the request body is too large");
            return;
        }
        String body = new String(bytes, StandardCharsets.UTF_8);
        Optional<DemoForm> parsed = DemoForm.parse(body);
        if (parsed.isEmpty()) {
            error(response, 400, "invalid_request", "the body is not valid form encoding");
            return;
        }
        DemoForm form = parsed.get();
        activity.secrets().received(form, request.getHeader("Authorization"));
        List<String> repeated = form.repeatedExcept(Set.of("resource", "audience"));
        if (!repeated.isEmpty()) {
            error(response, 400, "invalid_request", "parameters given more than once: " + String.join(", ", repeated));
            return;
        }
        DemoClientAuthentication.Parsed auth = DemoClientAuthentication.parse(request.getHeader("Authorization"), form);
        if (auth.authentication().isEmpty()) {
            error(response, 401, "invalid_client", auth.problem());
            return;
        }
        DemoClientAuthentication client = auth.authentication().get();
        String grantType = form.get("grant_type").orElse("");
        Optional<String> problem = clients.authenticationProblem(client);
        if (problem.isPresent()) {
            if (client.method() == ClientAuthMethod.CLIENT_SECRET_BASIC) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + DemoIdentityProvider.ISSUER_PATH + "\"");
            }
            answered(client, grantType, form, 401);
            error(response, 401, "invalid_client", problem.get());
            return;
        }
        Grant grant = grant(client, grantType, form);
        if (grant.problem().isPresent()) {
            answered(client, grantType, form, 400);
            error(response, 400, grant.errorCode(), grant.problem().get());
            return;
        }
        forward(request, response, grant.body().orElse(body), client, grantType, form, grant);
    }

    /**
     * What a grant is for: the sign-in a code or refresh token continues (none for machine grants), the subject, and
     * the body to send the mock when it differs from the request's; or why the grant is refused.
     */
    private record Grant(
            Optional<SignIn> signIn,
            String subject,
            Optional<String> body,
            String errorCode,
            Optional<String> problem) {

        static Grant of(SignIn signIn) {
            return new Grant(Optional.of(signIn), signIn.subject(), Optional.empty(), "", Optional.empty());
        }

        static Grant machine(String subject, Optional<String> body) {
            return new Grant(Optional.empty(), subject, body, "", Optional.empty());
        }

        static Grant refused(String errorCode, String problem) {
            return new Grant(Optional.empty(), "", Optional.empty(), errorCode, Optional.of(problem));
        }
    }

    private Grant grant(DemoClientAuthentication client, String grantType, DemoForm form) {
        switch (grantType) {
            case "authorization_code":
                return codeGrant(client, form);
            case "refresh_token":
                Optional<SignIn> continued = form.get("refresh_token").flatMap(signIns::forRefreshToken);
                if (continued.isEmpty()) {
                    return Grant.refused("invalid_grant", "unknown refresh_token");
                }
                if (!continued.get().clientId().equals(client.clientId())) {
                    return Grant.refused("invalid_grant", "the refresh_token was issued to another client");
                }
                return Grant.of(continued.get());
            case CLIENT_CREDENTIALS:
                return client.method() == ClientAuthMethod.NONE
                        ? Grant.refused("unauthorized_client", "client_credentials needs a confidential client")
                        : Grant.machine(client.clientId(), Optional.empty());
            case TOKEN_EXCHANGE:
                return exchangeGrant(client, form);
            case "":
                return Grant.refused("invalid_request", "grant_type is missing");
            default:
                return Grant.refused(
                        "unsupported_grant_type", "grant_type " + grantType + " is not supported by the demo");
        }
    }

    /** RFC 8693 §2.1, for the access tokens of trusted identity providers only. */
    private Grant exchangeGrant(DemoClientAuthentication client, DemoForm form) {
        if (client.method() == ClientAuthMethod.NONE) {
            return Grant.refused("unauthorized_client", "token exchange needs a confidential client");
        }
        if (!form.get("subject_token_type").equals(Optional.of(ACCESS_TOKEN_TYPE))) {
            return Grant.refused("invalid_request", "subject_token_type must be " + ACCESS_TOKEN_TYPE);
        }
        Optional<String> subjectToken = form.get("subject_token");
        if (subjectToken.isEmpty()) {
            return Grant.refused("invalid_request", "subject_token is missing");
        }
        DemoSubjectTokens.Verdict verdict = subjectTokens.verify(subjectToken.get());
        if (verdict.subject().isEmpty()) {
            return Grant.refused("invalid_grant", verdict.problem());
        }
        List<String> audiences = new ArrayList<>(form.all("resource"));
        audiences.addAll(form.all("audience"));
        if (audiences.isEmpty()) {
            return Grant.refused("invalid_target", "a token exchange needs a resource or an audience");
        }
        // The mock requires one space-separated audience parameter and ignores resource on this grant.
        return Grant.machine(
                verdict.subject().get(), Optional.of(form.encodeWith("audience", String.join(" ", audiences))));
    }

    private Grant codeGrant(DemoClientAuthentication client, DemoForm form) {
        Optional<SignIn> signIn = form.get("code").flatMap(signIns::forCode);
        if (signIn.isEmpty()) {
            return Grant.refused("invalid_grant", "unknown or already used code");
        }
        if (!signIn.get().clientId().equals(client.clientId())) {
            return Grant.refused("invalid_grant", "the code was issued to another client");
        }
        if (!form.get("redirect_uri")
                .equals(Optional.of(signIn.get().redirectUri().toString()))) {
            // RFC 6749 §4.1.3: the same redirect_uri as in the authorization request.
            return Grant.refused("invalid_grant", "redirect_uri differs from the authorization request's");
        }
        if (form.get("code_verifier").isEmpty()) {
            // The mock skips PKCE when no verifier is sent; a code issued with a challenge needs one (RFC 7636 §4.5).
            return Grant.refused("invalid_grant", "code_verifier is missing");
        }
        return Grant.of(signIn.get());
    }

    private void forward(
            HttpServletRequest request,
            HttpServletResponse response,
            String body,
            DemoClientAuthentication client,
            String grantType,
            DemoForm form,
            Grant grant)
            throws IOException {
        HttpRequest.Builder toMock = HttpRequest.newBuilder(endpoints.mockToken())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-Proto", "http")
                .header("X-Forwarded-Port", Integer.toString(endpoints.frontPort()))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            toMock.header("Authorization", authorization);
        }
        HttpResponse<String> answer;
        try {
            synchronized (mockLock) {
                answer = http.send(toMock.build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            log.warn("The mock authorization server could not be reached: {}", e.toString());
            answered(client, grantType, form, 502);
            error(response, 502, "temporarily_unavailable", "the mock authorization server could not be reached");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answered(client, grantType, form, 503);
            error(response, 503, "temporarily_unavailable", "interrupted");
            return;
        }
        if (answer.statusCode() == 200) {
            activity.secrets().issuedTokens(answer.body());
            grant.signIn().ifPresent(signIn -> remember(answer.body(), grantType, form, signIn));
            log.info(
                    "Demo identity provider issued tokens to {} for {} ({})",
                    client.describe(),
                    grant.subject(),
                    grantType);
        } else {
            activity.refused(ENDPOINT, "the mock answered " + answer.statusCode() + " to " + client.describe());
        }
        answered(client, grantType, form, answer.statusCode());
        String answerBody = answer.statusCode() == 200 && grant.signIn().isPresent()
                ? withGrantedScope(answer.body(), grant.signIn().get())
                : answer.body();
        byte[] bytes = answerBody.getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.statusCode());
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * The mock's token response with the {@code scope} the sign-in granted, which the mock leaves out: RFC 6749 §5.1
     * wants it whenever it differs from the request, and a scope this provider withholds makes it differ.
     */
    private static String withGrantedScope(String tokenResponse, SignIn signIn) {
        if (signIn.scope().isEmpty()) {
            return tokenResponse;
        }
        try {
            JsonNode json = DemoHttp.JSON.readTree(tokenResponse);
            if (!(json instanceof ObjectNode object) || object.has("scope")) {
                return tokenResponse;
            }
            object.put("scope", signIn.scope().get());
            return DemoHttp.JSON.writeValueAsString(object);
        } catch (IOException e) {
            return tokenResponse;
        }
    }

    /** Retires a redeemed code and binds the (possibly new) refresh token to the sign-in it continues. */
    private void remember(String tokenResponse, String grantType, DemoForm form, SignIn signIn) {
        if (grantType.equals("authorization_code")) {
            form.get("code").ifPresent(signIns::codeRedeemed);
        }
        try {
            JsonNode json = DemoHttp.JSON.readTree(tokenResponse);
            JsonNode refreshToken = json.get("refresh_token");
            if (refreshToken != null && refreshToken.isTextual()) {
                signIns.refreshTokenIssued(refreshToken.textValue(), signIn);
            }
        } catch (IOException e) {
            log.warn("The mock's token response is not JSON: {}", e.getMessage());
        }
    }

    private void answered(DemoClientAuthentication client, String grantType, DemoForm form, int status) {
        activity.tokenRequest(
                new TokenRequestRecord(client.clientId(), client.method(), grantType, form.all("resource"), status));
    }

    private void error(HttpServletResponse response, int status, String code, String description) throws IOException {
        activity.refused(ENDPOINT, code + ": " + description);
        DemoHttp.oauthError(response, status, code, description);
    }
}
