package dev.portico.oauth.client;

import java.net.URI;
import java.util.Optional;

/**
 * Where Portico's dynamic client registrations (RFC 7591) are kept, one per authorization server and redirect URI:
 * a registration names the redirect URI it was made for, so a Portico reachable under another URL needs its own.
 *
 * <p>A shared implementation lets every replica use one registration instead of each registering its own, and keeps
 * it across restarts. Implementations are safe for concurrent use and never show a client secret in {@code
 * toString()} or in an exception. {@link ClientRegistry} still makes at most one registration request per issuer at
 * a time in one process; two replicas that find nothing at once may both register, and the later one stored wins.
 */
public interface RegistrationStore {

    /** The registration held for {@code issuer} and {@code redirectUri}, usable or not. */
    Optional<RegisteredClient> find(String issuer, URI redirectUri);

    /** Keeps {@code client}, replacing what was held for the same issuer and redirect URI. */
    void put(String issuer, URI redirectUri, RegisteredClient client);

    /** Drops the registration held for {@code issuer} and {@code redirectUri}, if any. */
    void remove(String issuer, URI redirectUri);
}
