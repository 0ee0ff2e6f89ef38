package dev.portico.aggregator.demo;

import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How a token request identifies its client (RFC 6749 §2.3.1): an HTTP Basic {@code Authorization} header
 * ({@code client_secret_basic}), {@code client_id} and {@code client_secret} form parameters ({@code
 * client_secret_post}), or {@code client_id} alone (a public client, {@code none}). Using more than one method is an
 * error (RFC 6749 §2.3).
 *
 * @param clientId the client
 * @param method the method used
 * @param secret the secret sent, if any
 */
record DemoClientAuthentication(String clientId, ClientAuthMethod method, Optional<Secret> secret) {

    /** What a token request's client authentication looks like, or why it is unusable. */
    record Parsed(Optional<DemoClientAuthentication> authentication, String problem) {

        static Parsed of(DemoClientAuthentication authentication) {
            return new Parsed(Optional.of(authentication), "");
        }

        static Parsed problem(String problem) {
            return new Parsed(Optional.empty(), problem);
        }
    }

    static Parsed parse(String authorizationHeader, DemoForm form) {
        Optional<String> formClientId = form.get("client_id");
        Optional<String> formSecret = form.get("client_secret");
        if (authorizationHeader != null) {
            if (!authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
                return Parsed.problem("the Authorization header is not HTTP Basic");
            }
            if (formSecret.isPresent()) {
                return Parsed.problem("the client authenticated with both client_secret_basic and client_secret_post");
            }
            return basic(authorizationHeader.substring(6).trim(), formClientId);
        }
        if (formClientId.isEmpty()) {
            return Parsed.problem("the request identifies no client");
        }
        return formSecret.isPresent()
                ? Parsed.of(new DemoClientAuthentication(
                        formClientId.get(), ClientAuthMethod.CLIENT_SECRET_POST, formSecret.map(Secret::of)))
                : Parsed.of(new DemoClientAuthentication(formClientId.get(), ClientAuthMethod.NONE, Optional.empty()));
    }

    private static Parsed basic(String credentials, Optional<String> formClientId) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Parsed.problem("the Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Parsed.problem("the Basic credentials have no \":\" between client id and secret");
        }
        String clientId;
        String secret;
        try {
            // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and encoded.
            clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Parsed.problem("the Basic credentials are not form-urlencoded");
        }
        if (formClientId.isPresent() && !formClientId.get().equals(clientId)) {
            return Parsed.problem(
                    "client_id " + formClientId.get() + " differs from the client in the Basic header, " + clientId);
        }
        return Parsed.of(new DemoClientAuthentication(
                clientId, ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.of(Secret.of(secret))));
    }

    /** A one-line description for logs and refusals, without the secret. */
    String describe() {
        return "client " + clientId + " (" + method.configName() + ")";
    }
}
