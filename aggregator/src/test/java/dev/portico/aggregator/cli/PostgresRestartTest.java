package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.testing.Browser;
import dev.portico.store.postgres.EmbeddedDatabase;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portico killed (no shutdown of any kind) and started again on the same PostgreSQL: the tokens it stored are there
 * byte for byte, and a sign-in started before the kill finishes after it.
 */
class PostgresRestartTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aKilledPorticoComesBackWithItsTokensAndFinishesASignInStartedBeforeTheKill() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start();
                DemoIdentityProvider idp =
                        DemoIdentityProvider.builder().build().start();
                ProtectedDemoUpstream calendar = ProtectedDemoUpstream.builder("calendar", idp)
                        .requireAuthOnlyForToolCalls(true)
                        .build()
                        .start()) {
            int port = freePort();
            URI base = URI.create("http://127.0.0.1:" + port);
            Path config = Files.writeString(
                    dir.resolve("portico.yaml"),
                    """
                    server:
                      port: %d
                    security:
                      allowedPrivateNetworks: [127.0.0.0/8]
                    storage:
                      type: postgres
                      url: %s
                      username: postgres
                      encryptionKey: ${PORTICO_KEY}
                    upstreams:
                      - name: calendar
                        transport: streamable-http
                        url: %s
                        timeout: 10s
                    """
                            .formatted(port, database.jdbcUrl(), calendar.mcpUrl()));
            Process first = start(config, "first");
            awaitReady(base);
            McpSyncClient alice = client(base);
            Browser.Page signedIn = new Browser().open(authUrl(call(alice, "calendar__whoami")));
            assertThat(signedIn.body()).contains("Signed in to calendar");
            await().atMost(LIMIT)
                    .until(() ->
                            !Boolean.TRUE.equals(call(alice, "calendar__whoami").isError()));
            assertThat(text(call(alice, "calendar__whoami"))).contains("hello demo-user");
            URI startedBeforeTheKill = authUrl(call(client(base), "calendar__whoami"));
            List<String> tokensBefore = tokenRows(database);
            assertThat(tokensBefore).hasSize(1);

            first.destroyForcibly().waitFor();
            start(config, "second");
            awaitReady(base);

            assertThat(tokenRows(database))
                    .as("the token stored before the kill, byte for byte")
                    .containsAll(tokensBefore);
            Browser.Page finished = new Browser().open(startedBeforeTheKill);
            assertThat(finished.status()).as(finished.body()).isEqualTo(200);
            assertThat(finished.body()).contains("Signed in to calendar");
            assertThat(tokenRows(database)).hasSize(2);
        }
    }

    private Process start(Path config, String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(PorticoProcess.command("--config", config.toString()));
        builder.environment().put("PORTICO_KEY", EmbeddedDatabase.KEY_A.reveal());
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        process.getOutputStream().close();
        processes.add(process);
        return process;
    }

    private void awaitReady(URI base) {
        await().atMost(LIMIT)
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/readyz"))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static McpSyncClient client(URI base) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base.toString())
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(LIMIT)
                .initializationTimeout(LIMIT)
                .build();
        client.initialize();
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    private static URI authUrl(McpSchema.CallToolResult result) {
        Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
        assertThat(structured).as("an auth_required result").containsEntry("status", "auth_required");
        return URI.create((String) structured.get("auth_url"));
    }

    /** Every stored token row as an operator sees it: the encrypted bytes, in hex. */
    private static List<String> tokenRows(EmbeddedDatabase database) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT encode(access_token_enc, 'hex') || ':' || coalesce(encode(refresh_token_enc, 'hex'), '')"
                                + " FROM portico_tokens")) {
            while (row.next()) {
                rows.add(row.getString(1));
            }
        }
        return rows;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
