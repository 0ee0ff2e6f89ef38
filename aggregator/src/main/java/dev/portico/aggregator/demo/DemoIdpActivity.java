package dev.portico.aggregator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.aggregator.demo.DemoIdentityProvider.TokenRequestRecord;
import dev.portico.config.Secret;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the demo identity provider did, for tests to assert and for the demo's log. Safe for concurrent use. */
final class DemoIdpActivity {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);

    private final List<TokenRequestRecord> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final List<Secret> credentials = new CopyOnWriteArrayList<>();

    /** The request's parameters that hold credentials, and the answer's tokens, in a token request. */
    private static final List<String> REQUEST_CREDENTIALS =
            List.of("code", "code_verifier", "refresh_token", "client_secret", "subject_token");

    private static final List<String> ANSWER_CREDENTIALS = List.of("access_token", "refresh_token", "id_token");

    void tokenRequest(TokenRequestRecord record) {
        tokenRequests.add(record);
    }

    /** Records and logs why a request was refused. {@code reason} must not contain a secret. */
    void refused(String endpoint, String reason) {
        String line = endpoint + ": " + reason;
        refusals.add(line);
        log.info("Demo identity provider refused a request at {}", line);
    }

    /** Notes the credentials of a token request the mock answered with {@code answer}. */
    void tokenEndpointCredentials(DemoForm request, String answer) {
        REQUEST_CREDENTIALS.forEach(name -> request.get(name).map(Secret::of).ifPresent(credentials::add));
        try {
            JsonNode json = DemoHttp.JSON.readTree(answer);
            for (String name : ANSWER_CREDENTIALS) {
                if (json.path(name).isTextual()) {
                    credentials.add(Secret.of(json.path(name).textValue()));
                }
            }
        } catch (IOException e) {
            // Not JSON: no tokens in it.
        }
    }

    List<Secret> credentials() {
        return List.copyOf(credentials);
    }

    List<TokenRequestRecord> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }
}
