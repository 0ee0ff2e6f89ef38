package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.store.postgres.EmbeddedDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Portico with {@code storage.type: postgres} on a real (embedded) PostgreSQL: replicas that share one database, and
 * a database that goes away and comes back.
 */
@OAuthEndToEnd
class PostgresStorageEndToEndTest {

    private static final Duration SETTLES = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedDatabase database;
    private SignInWorld world;

    @BeforeEach
    void startDatabase() {
        database = EmbeddedDatabase.start();
    }

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
        database.close();
    }

    @Test
    void aSignInStartedOnOneReplicaFinishesOnTheOtherAndTheRetriedCallSucceedsOnTheFirst() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.porticoYaml(storageYaml());

        ReplicasEndToEndTest.assertASignInStartedOnOneReplicaFinishesOnTheOther(world);
    }

    @Test
    void whenTheDatabaseIsDownReadinessSaysSoNewSignInsFailClearlyAndEverythingRecovers() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.porticoYaml(storageYaml());
        Portico portico = world.startPortico();
        SignInWorld.Session signedIn = world.session().signedInTo("calendar");
        SignInWorld.Session newcomer = world.session();
        await().atMost(SETTLES).until(() -> newcomer.toolNames().contains("calendar__whoami"));

        database.stopServer();

        await().atMost(SETTLES).until(() -> readiness(portico).statusCode() == 503);
        assertThat(readiness(portico).body()).contains("sign-in storage unavailable");
        assertThat(Clients.text(signedIn.call("calendar__whoami")))
                .as("a token this replica has read keeps serving")
                .contains("hello demo-user");
        McpSchema.CallToolResult refused = newcomer.call("calendar__whoami");
        assertThat(refused.isError()).isTrue();
        assertThat(Clients.text(refused)).contains("storage unavailable");

        database.startServer();

        await().atMost(SETTLES).until(() -> readiness(portico).statusCode() == 200);
        assertThat(authUrl(newcomer.call("calendar__whoami")).toString())
                .startsWith(portico.baseUri() + "/oauth/start/");
    }

    @Test
    void withInboundAuthAUsersSignInOnOneReplicaServesTheUsersSessionOnTheOtherAndNoOtherUser() throws Exception {
        try (InboundIssuer users = new InboundIssuer()) {
            world = new SignInWorld(idp -> {});
            world.upstream("calendar", u -> {});
            world.porticoYaml(storageYaml());
            // One audience for both replicas, as behind one public URL.
            world.serverYaml(users.serverYaml("audience: portico"));
            Portico first = world.startPortico();
            Portico second = world.startReplica();
            String alice = users.tokenFor("alice", "portico");
            SignInWorld.Session onFirst = world.session(first, alice);
            await().atMost(SETTLES).until(() -> onFirst.toolNames().contains("calendar__authenticate"));
            users.nextLoginAs("alice");
            onFirst.signedInTo("calendar");

            SignInWorld.Session onSecond = world.session(second, alice);
            SignInWorld.Session bob = world.session(second, users.tokenFor("bob", "portico"));

            await().atMost(SETTLES).until(() -> onSecond.toolNames().contains("calendar__whoami"));
            assertThat(Clients.text(onSecond.call("calendar__whoami"))).contains("hello demo-user");
            await().atMost(SETTLES).until(() -> bob.toolNames().contains("calendar__authenticate"));
            assertThat(bob.toolNames()).doesNotContain("calendar__whoami");
        }
    }

    private String storageYaml() {
        return """
                storage:
                  type: postgres
                  url: %s
                  username: postgres
                  encryptionKey: %s
                """
                .formatted(database.jdbcUrl(), EmbeddedDatabase.KEY_A.reveal());
    }

    private HttpResponse<String> readiness(Portico portico) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(portico.baseUri() + "/readyz"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
