package dev.portico.oauth.client;

import dev.portico.oauth.storage.EntryCount;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RegistrationStore} in the heap of one process: after a restart Portico registers again, which RFC 7591
 * servers allow. Bounded by the number of authorization servers the config can reach.
 */
public final class InMemoryRegistrationStore implements RegistrationStore, EntryCount {

    private final Map<Key, RegisteredClient> clients = new ConcurrentHashMap<>();

    @Override
    public Optional<RegisteredClient> find(String issuer, URI redirectUri) {
        return Optional.ofNullable(clients.get(new Key(issuer, redirectUri)));
    }

    @Override
    public void put(String issuer, URI redirectUri, RegisteredClient client) {
        clients.put(new Key(issuer, redirectUri), Objects.requireNonNull(client, "client"));
    }

    @Override
    public void remove(String issuer, URI redirectUri) {
        clients.remove(new Key(issuer, redirectUri));
    }

    @Override
    public long entryCount() {
        return clients.size();
    }

    @Override
    public String toString() {
        return "InMemoryRegistrationStore[registrations=" + clients.size() + "]";
    }

    private record Key(String issuer, URI redirectUri) {
        Key {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(redirectUri, "redirectUri");
        }
    }
}
