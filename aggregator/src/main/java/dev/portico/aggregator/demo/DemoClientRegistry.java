package dev.portico.aggregator.demo;

import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clients the demo identity provider knows: pre-registered ones, those registered through RFC 7591, and the URLs
 * whose Client ID Metadata Document passed the check at an authorization request. Safe for concurrent use.
 */
final class DemoClientRegistry {

    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final List<Client> dynamicRegistrations = new CopyOnWriteArrayList<>();
    private final Set<String> metadataDocumentClients = ConcurrentHashMap.newKeySet();

    DemoClientRegistry(List<Client> preRegistered) {
        preRegistered.forEach(this::put);
    }

    void put(Client client) {
        clients.put(client.clientId(), client);
    }

    void registerDynamically(Client client) {
        put(client);
        dynamicRegistrations.add(client);
    }

    /** The secrets of every client known now, pre-registered or registered since. */
    List<String> secrets() {
        return clients.values().stream()
                .flatMap(client -> client.secret().stream())
                .map(Secret::reveal)
                .toList();
    }

    Optional<Client> find(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    /**
     * Remembers a URL client id whose document was checked, so that its token requests are accepted as those of a
     * public client. The redirect URI is checked again at the token endpoint against the one the code was issued for.
     */
    void acceptMetadataDocumentClient(String clientId) {
        metadataDocumentClients.add(clientId);
    }

    boolean isMetadataDocumentClient(String clientId) {
        return metadataDocumentClients.contains(clientId);
    }

    /**
     * Whether the client is known and authenticated the way it registered, with the right secret: why not, if it is
     * not. Shared by the token and revocation endpoints (RFC 7009 §2.1 authenticates as at the token endpoint).
     */
    Optional<String> authenticationProblem(DemoClientAuthentication presented) {
        Optional<Client> registered = find(presented.clientId());
        if (registered.isEmpty()) {
            if (isMetadataDocumentClient(presented.clientId()) && presented.method() == ClientAuthMethod.NONE) {
                return Optional.empty();
            }
            return Optional.of("unknown " + presented.describe());
        }
        Client client = registered.get();
        if (client.authMethod() != presented.method()) {
            return Optional.of("client " + client.clientId() + " is registered for "
                    + client.authMethod().configName() + " but authenticated with "
                    + presented.method().configName());
        }
        if (client.secret().isPresent()
                && !client.secret()
                        .get()
                        .matches(presented.secret().orElseThrow().reveal())) {
            return Optional.of("wrong client secret for client " + client.clientId());
        }
        return Optional.empty();
    }

    List<Client> dynamicRegistrations() {
        return List.copyOf(dynamicRegistrations);
    }

    Set<String> metadataDocumentClients() {
        return Set.copyOf(metadataDocumentClients);
    }
}
