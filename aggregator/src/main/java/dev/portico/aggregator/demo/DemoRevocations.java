package dev.portico.aggregator.demo;

import dev.portico.aggregator.demo.DemoIdentityProvider.RevocationRecord;
import dev.portico.config.Secret;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo identity provider's revocations: the access tokens revoked (as {@link Secret}s), which protected demo
 * upstreams consult, and a record of every revocation request for tests. Revoked refresh tokens are forgotten by
 * {@link DemoSignIns} instead, so that the token endpoint refuses them. Safe for concurrent use.
 */
final class DemoRevocations {

    private final Set<Secret> revokedAccessTokens = ConcurrentHashMap.newKeySet();
    private final List<RevocationRecord> requests = new CopyOnWriteArrayList<>();

    void revokeAccessToken(String accessToken) {
        revokedAccessTokens.add(Secret.of(accessToken));
    }

    boolean isRevoked(String accessToken) {
        return revokedAccessTokens.contains(Secret.of(accessToken));
    }

    void recordRequest(RevocationRecord record) {
        requests.add(record);
    }

    List<RevocationRecord> requests() {
        return List.copyOf(requests);
    }
}
