package dev.portico.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.config.Secret;
import dev.portico.oauth.flow.SignInTarget;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code details} column of a sign-in: its target without the client secret, and the times Portico gave it,
 * kept to the nanosecond as text so that the sign-in reads back equal (whether it expired is the database's call,
 * by its own {@code expires_at} column).
 */
record SignInDetails(TargetJson target, String createdAt, String expiresAt) {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static String write(SignInTarget target, Instant createdAt, Instant expiresAt) {
        try {
            return JSON.writeValueAsString(
                    new SignInDetails(TargetJson.of(target), createdAt.toString(), expiresAt.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a sign-in could not be written as JSON", e);
        }
    }

    static SignInDetails read(String text) {
        try {
            return JSON.readValue(text, SignInDetails.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored sign-in's details are not valid JSON", e);
        }
    }

    SignInTarget target(Optional<Secret> clientSecret) {
        return target.toTarget(clientSecret);
    }

    Instant createdAtInstant() {
        return Instant.parse(createdAt);
    }

    Instant expiresAtInstant() {
        return Instant.parse(expiresAt);
    }
}
