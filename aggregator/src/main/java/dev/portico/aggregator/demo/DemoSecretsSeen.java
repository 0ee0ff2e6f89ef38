package dev.portico.aggregator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret value the demo identity provider issued or was sent: the real values of a run, for a test that looks
 * for them where they must never be (Portico's logs and exception texts). Keyed by value, valued by what it is ({@code
 * access_token}, {@code code_verifier}, ...). Safe for concurrent use.
 *
 * <p>Demo use only: like the rest of the provider's state, it grows with every sign-in.
 */
final class DemoSecretsSeen {

    /** The form parameters of token, revocation and registration requests that carry a secret. */
    private static final List<String> SECRET_PARAMETERS =
            List.of("code", "code_verifier", "client_secret", "refresh_token", "subject_token", "token");

    /** The members of a token response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3) that are secrets. */
    private static final List<String> ISSUED_TOKENS = List.of("access_token", "refresh_token", "id_token");

    private final Map<String, String> seen = new ConcurrentHashMap<>();

    void issued(String kind, String value) {
        if (!value.isEmpty()) {
            seen.putIfAbsent(value, kind);
        }
    }

    /** The secrets a token or revocation request carried: in its form, and as its {@code Authorization} header. */
    void received(DemoForm form, String authorizationHeader) {
        SECRET_PARAMETERS.forEach(name -> form.all(name).forEach(value -> issued(name, value)));
        if (authorizationHeader != null) {
            issued("authorization_header", authorizationHeader);
            int space = authorizationHeader.indexOf(' ');
            if (space > 0) {
                issued(
                        "authorization_credentials",
                        authorizationHeader.substring(space + 1).trim());
            }
            DemoClientAuthentication.parse(authorizationHeader, form)
                    .authentication()
                    .flatMap(DemoClientAuthentication::secret)
                    .ifPresent(secret -> issued("client_secret", secret.reveal()));
        }
    }

    /** The tokens of a successful token response. */
    void issuedTokens(String tokenResponse) {
        try {
            JsonNode json = DemoHttp.JSON.readTree(tokenResponse);
            for (String member : ISSUED_TOKENS) {
                JsonNode token = json == null ? null : json.get(member);
                if (token != null && token.isTextual()) {
                    issued(member, token.textValue());
                }
            }
        } catch (IOException e) {
            // Not JSON: the client gets it as it is and cannot use it; nothing was issued.
        }
    }

    Map<String, String> all() {
        return Map.copyOf(seen);
    }
}
