package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.client.RegisteredClient;
import dev.portico.oauth.client.RegistrationStore;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresRegistrationStoreTest {

    private static final URI OTHER_REDIRECT = URI.create("https://portico.internal/oauth/callback");

    private static EmbeddedDatabase database;
    private static PostgresStorage storage;
    private static RegistrationStore store;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
        store = storage.registrationStore();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void aConfidentialRegistrationReadsBackEqualPerIssuerAndRedirectUri() {
        RegisteredClient confidential = new RegisteredClient(
                new ClientIdentity(
                        new ClientID("dcr-1"),
                        Optional.of(Secret.of("dcr-secret")),
                        ClientAuthMethod.CLIENT_SECRET_POST,
                        ClientIdentity.Source.DYNAMIC_REGISTRATION),
                Optional.of(Instant.parse("2030-01-01T00:00:00Z")));
        store.put(Fixtures.ISSUER, Fixtures.REDIRECT_URI, confidential);

        assertThat(store.find(Fixtures.ISSUER, Fixtures.REDIRECT_URI)).contains(confidential);
        assertThat(store.find(Fixtures.ISSUER, Fixtures.REDIRECT_URI)
                        .orElseThrow()
                        .identity()
                        .secret())
                .map(Secret::reveal)
                .contains("dcr-secret");
        assertThat(store.find(Fixtures.ISSUER, OTHER_REDIRECT)).isEmpty();
        assertThat(store.find("https://other.example.com", Fixtures.REDIRECT_URI))
                .isEmpty();
    }

    @Test
    void aNewRegistrationReplacesTheOldAndRemoveDropsIt() {
        String issuer = "https://replace.example.com";
        RegisteredClient first = new RegisteredClient(
                ClientIdentity.publicClient(new ClientID("first"), ClientIdentity.Source.DYNAMIC_REGISTRATION),
                Optional.empty());
        RegisteredClient second = new RegisteredClient(
                new ClientIdentity(
                        new ClientID("second"),
                        Optional.of(Secret.of("s2")),
                        ClientAuthMethod.CLIENT_SECRET_BASIC,
                        ClientIdentity.Source.DYNAMIC_REGISTRATION),
                Optional.empty());
        store.put(issuer, Fixtures.REDIRECT_URI, first);
        assertThat(store.find(issuer, Fixtures.REDIRECT_URI)).contains(first);

        store.put(issuer, Fixtures.REDIRECT_URI, second);
        assertThat(store.find(issuer, Fixtures.REDIRECT_URI)).contains(second);

        store.remove(issuer, Fixtures.REDIRECT_URI);
        assertThat(store.find(issuer, Fixtures.REDIRECT_URI)).isEmpty();
    }
}
