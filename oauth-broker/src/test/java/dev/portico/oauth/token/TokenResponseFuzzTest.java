package dev.portico.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.portico.config.Secret;
import dev.portico.oauth.client.ClientIdentity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of what {@link TokenClient} makes of a token endpoint's answer ({@link TokenClient#read}),
 * which Nimbus parses and Portico then checks. See docs/fuzzing.md.
 */
class TokenResponseFuzzTest {

    private static final TokenEndpoint ENDPOINT = new TokenEndpoint(
            "https://as.example.com",
            URI.create("https://as.example.com/token"),
            ClientIdentity.publicClient(new ClientID("portico-fuzz"), ClientIdentity.Source.CONFIGURED));
    private static final Optional<URI> RESOURCE = Optional.of(URI.create("https://files.example.com/mcp"));
    private static final Optional<Secret> PREVIOUS_REFRESH = Optional.of(Secret.of("previous-refresh-9f8e7d6c5b4a"));

    /** Token values that the fuzzer could not have put in a message by accident: long, and letters mixed with digits. */
    private static final Pattern RANDOM_LOOKING = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9._~+/=-]{16,}");

    private final TokenClient client = new TokenClient(
            request -> {
                throw new AssertionError("reading a response sends nothing");
            },
            Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC));

    /**
     * The input is UTF-8 text: the status code on the first line (200 when it is not three digits), the {@code
     * Content-Type} on the second (none when empty), then the body. Whatever it holds, the answer becomes a {@link
     * TokenSet} or a {@link TokenRequestException} saying the server erred or answered unusably; never another
     * exception, and no token from the body in the exception's message.
     */
    @FuzzTest
    void readsAnyAnswerIntoTokensOrATypedErrorWithoutShowingTokens(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 3);
        int status = parts[0].matches("[0-9]{3}") ? Integer.parseInt(parts[0]) : 200;
        String contentType = parts.length > 1 ? parts[1] : "";
        String body = parts.length > 2 ? parts[2] : "";
        HTTPResponse response = new HTTPResponse(status);
        if (!contentType.isEmpty()) {
            response.setHeader("Content-Type", contentType);
        }
        if (!body.isEmpty()) {
            response.setBody(body);
        }

        try {
            TokenSet tokens = client.read(ENDPOINT, response, RESOURCE, Set.of("files.read"), PREVIOUS_REFRESH);
            assertThat(tokens.accessToken().reveal()).isNotEmpty();
            assertThat(tokens.issuer()).isEqualTo(ENDPOINT.issuer());
            assertThat(tokens.resource()).isEqualTo(RESOURCE);
        } catch (TokenRequestException e) {
            assertThat(e.kind())
                    .isIn(TokenRequestException.Kind.ERROR_RESPONSE, TokenRequestException.Kind.MALFORMED_RESPONSE);
            for (String token : tokensOnlyInTheirOwnFields(body, contentType)) {
                assertThat(e.getMessage()).doesNotContain(token);
            }
        }
    }

    /**
     * The random-looking {@code access_token} and {@code refresh_token} values of the body that occur in no other key
     * or string value of it (a server may echo anything in its {@code error_description}, and that is not a leak).
     */
    private static List<String> tokensOnlyInTheirOwnFields(String body, String contentType) {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            return List.of();
        }
        List<String> otherText = new ArrayList<>(List.of(contentType));
        json.forEach((key, value) -> {
            otherText.add(key);
            if (!key.equals("access_token") && !key.equals("refresh_token")) {
                collectText(value, otherText);
            }
        });
        List<String> tokens = new ArrayList<>();
        for (String field : List.of("access_token", "refresh_token")) {
            if (json.get(field) instanceof String token
                    && RANDOM_LOOKING.matcher(token).matches()
                    && otherText.stream().noneMatch(text -> text.contains(token))) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static void collectText(Object value, List<String> into) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, nested) -> {
                into.add(String.valueOf(key));
                collectText(nested, into);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(element -> collectText(element, into));
        } else {
            into.add(String.valueOf(value));
        }
    }
}
