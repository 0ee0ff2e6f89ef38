package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.client.RegisteredClient;
import dev.portico.oauth.storage.EntryCount;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The counts behind {@code portico_store_entries}: every row of each store, whoever owns it. */
class PostgresEntryCountTest {

    private EmbeddedDatabase database;
    private PostgresStorage storage;

    @BeforeEach
    void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
    }

    @AfterEach
    void stop() {
        storage.close();
        database.close();
    }

    @Test
    void eachStoreCountsItsRowsAcrossOwners() {
        assertThat(count(storage.tokenStore())).isZero();
        assertThat(count(storage.signInStore())).isZero();
        assertThat(count(storage.registrationStore())).isZero();

        storage.tokenStore().put(Fixtures.owner(), Fixtures.tokens(Set.of("a"), Optional.empty()));
        storage.tokenStore().put(Fixtures.owner(), Fixtures.tokens(Set.of("b"), Optional.empty()));
        storage.signInStore().put(Fixtures.signIn(Fixtures.owner()));
        storage.registrationStore()
                .put(
                        Fixtures.ISSUER,
                        Fixtures.REDIRECT_URI,
                        new RegisteredClient(
                                ClientIdentity.publicClient(
                                        new ClientID("dcr-1"), ClientIdentity.Source.DYNAMIC_REGISTRATION),
                                Optional.empty()));

        assertThat(count(storage.tokenStore())).isEqualTo(2);
        assertThat(count(storage.signInStore())).isEqualTo(1);
        assertThat(count(storage.registrationStore())).isEqualTo(1);
    }

    private static long count(Object store) {
        assertThat(store).isInstanceOf(EntryCount.class);
        return ((EntryCount) store).entryCount();
    }
}
