package dev.portico.aggregator.demo;

import dev.portico.config.Secret;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who signed in for which authorization code and refresh token. The mock signs whatever subject its token callback
 * names, so the front records, per code, the user it approved, and per refresh token the sign-in it continues; the
 * callback ({@link DemoAudienceCallback}) reads them back. Codes and refresh tokens are held as {@link Secret}s. Safe
 * for concurrent use.
 */
final class DemoSignIns {

    /**
     * One approved sign-in.
     *
     * @param clientId the client the code was issued to
     * @param redirectUri the redirect URI of the authorization request, which the token request must repeat
     * @param subject the user
     * @param scope the requested scope, if any
     */
    record SignIn(String clientId, URI redirectUri, String subject, Optional<String> scope) {

        SignIn {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(redirectUri, "redirectUri");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(scope, "scope");
        }
    }

    private final String defaultSubject;
    private final AtomicReference<String> nextSubject = new AtomicReference<>();
    private final Map<Secret, SignIn> codes = new ConcurrentHashMap<>();
    private final Map<Secret, SignIn> refreshTokens = new ConcurrentHashMap<>();

    DemoSignIns(String defaultSubject) {
        this.defaultSubject = Objects.requireNonNull(defaultSubject, "defaultSubject");
    }

    void nextSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        nextSubject.set(subject);
    }

    /** The user the sign-in in progress approves: the one set by {@link #nextSubject}, once, else the default. */
    String takeSubject() {
        String next = nextSubject.getAndSet(null);
        return next == null ? defaultSubject : next;
    }

    String defaultSubject() {
        return defaultSubject;
    }

    void codeIssued(String code, SignIn signIn) {
        codes.put(Secret.of(code), signIn);
    }

    Optional<SignIn> forCode(String code) {
        return Optional.ofNullable(codes.get(Secret.of(code)));
    }

    /** Forgets a code once the mock has exchanged it: codes are single-use. */
    void codeRedeemed(String code) {
        codes.remove(Secret.of(code));
    }

    void refreshTokenIssued(String refreshToken, SignIn signIn) {
        refreshTokens.put(Secret.of(refreshToken), signIn);
    }

    /** Forgets a revoked refresh token, so that the token endpoint refuses it from now on. */
    void refreshTokenRevoked(String refreshToken) {
        refreshTokens.remove(Secret.of(refreshToken));
    }

    void forgetRefreshTokens() {
        refreshTokens.clear();
    }

    Optional<SignIn> forRefreshToken(String refreshToken) {
        return Optional.ofNullable(refreshTokens.get(Secret.of(refreshToken)));
    }
}
