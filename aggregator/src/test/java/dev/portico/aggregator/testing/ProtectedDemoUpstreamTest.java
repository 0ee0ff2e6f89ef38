package dev.portico.aggregator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The protected demo upstream with tokens from a real {@link DemoIdentityProvider}: the 401 challenge, the
 * protected-resource metadata, audience binding, revocation and the tool-call-only mode.
 */
class ProtectedDemoUpstreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

    private static DemoIdentityProvider idp;
    private static ProtectedDemoUpstream calendar;
    private static ProtectedDemoUpstream mail;

    @BeforeAll
    static void start() {
        idp = DemoIdentityProvider.builder().build().start();
        calendar = ProtectedDemoUpstream.builder("calendar", idp).build().start();
        mail = ProtectedDemoUpstream.builder("mail", idp)
                .scopes(List.of())
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        mail.close();
        calendar.close();
        idp.close();
    }

    @Test
    void whenNoTokenThen401NamingTheResourceMetadata() throws Exception {
        HttpResponse<String> response = post(calendar, INITIALIZE, Optional.empty(), Optional.empty());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer resource_metadata=\"" + calendar.resourceMetadataUrl()
                        + "\", scope=\"demo.read demo.write\"");
        assertThat(JSON.readTree(response.body()).get("error").textValue()).isEqualTo("unauthorized");
    }

    @Test
    void whenMetadataFetchedThenItNamesResourceAndIssuer() throws Exception {
        assertThat(calendar.resourceMetadataUrl().toString())
                .isEqualTo("http://127.0.0.1:" + calendar.port() + "/.well-known/oauth-protected-resource/mcp");

        JsonNode metadata = getJson(calendar.resourceMetadataUrl());

        assertThat(metadata.get("resource").textValue())
                .isEqualTo(calendar.mcpUrl().toString())
                .isEqualTo(calendar.resource().toString());
        assertThat(metadata.get("authorization_servers").get(0).textValue())
                .isEqualTo(idp.issuer().toString());
        assertThat(metadata.get("authorization_servers")).hasSize(1);
        assertThat(metadata.get("scopes_supported").toString()).isEqualTo("[\"demo.read\",\"demo.write\"]");
        assertThat(metadata.get("resource_name").textValue()).isEqualTo("calendar");
        assertThat(getJson(mail.resourceMetadataUrl()).has("scopes_supported")).isFalse();
    }

    @Test
    void whenTokenForThisResourceThenToolsWorkAndWhoamiNamesTheSubject() throws Exception {
        String token = DemoIdentityProviderTest.accessToken(idp, calendar.resource());

        try (McpSyncClient client = connect(calendar, token)) {
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .containsExactly("whoami", "echo");
            assertThat(text(client.callTool(new CallToolRequest("whoami", Map.of()))))
                    .isEqualTo("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
            assertThat(text(client.callTool(new CallToolRequest("echo", Map.of("text", "ping")))))
                    .isEqualTo("ping");
        }
    }

    @Test
    void whenAnotherUserSignsInThenWhoamiNamesThem() throws Exception {
        idp.signInNextAs("bob");
        String token = DemoIdentityProviderTest.accessToken(idp, calendar.resource());

        try (McpSyncClient client = connect(calendar, token)) {
            assertThat(text(client.callTool(new CallToolRequest("whoami", Map.of()))))
                    .isEqualTo("hello bob");
        }
    }

    @Test
    void whenTokenIsForAnotherResourceThen401InvalidToken() throws Exception {
        String mailToken = DemoIdentityProviderTest.accessToken(idp, mail.resource());

        HttpResponse<String> atCalendar = post(calendar, INITIALIZE, Optional.of(mailToken), Optional.empty());
        HttpResponse<String> atMail = post(mail, INITIALIZE, Optional.of(mailToken), Optional.empty());

        assertThat(atCalendar.statusCode()).isEqualTo(401);
        assertThat(atCalendar.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer resource_metadata=\"" + calendar.resourceMetadataUrl() + "\"")
                .contains("error=\"invalid_token\"")
                .contains("audience");
        assertThat(JSON.readTree(atCalendar.body()).get("error").textValue()).isEqualTo("invalid_token");
        assertThat(atMail.statusCode()).isEqualTo(200);
    }

    @Test
    void whenTokenIsNotAJwtThen401InvalidToken() throws Exception {
        HttpResponse<String> response = post(calendar, INITIALIZE, Optional.of("not-a-jwt"), Optional.empty());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\", error_description=\"the token is not a JWT\"");
    }

    @Test
    void whenTokensAreRevokedThenTheyFailAndANewSignInWorks() throws Exception {
        try (ProtectedDemoUpstream drive =
                ProtectedDemoUpstream.builder("drive", idp).build().start()) {
            String token = DemoIdentityProviderTest.accessToken(idp, drive.resource());
            assertThat(post(drive, INITIALIZE, Optional.of(token), Optional.empty())
                            .statusCode())
                    .isEqualTo(200);

            drive.revokeAll();
            HttpResponse<String> revoked = post(drive, INITIALIZE, Optional.of(token), Optional.empty());
            String fresh = DemoIdentityProviderTest.accessToken(idp, drive.resource());

            assertThat(revoked.statusCode()).isEqualTo(401);
            assertThat(revoked.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"invalid_token\", error_description=\"the token has been revoked\"");
            assertThat(post(drive, INITIALIZE, Optional.of(fresh), Optional.empty())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void whenTheIdentityProviderRevokesATokenThenTheUpstreamRefusesIt() throws Exception {
        String token = DemoIdentityProviderTest.accessToken(idp, calendar.resource());
        String other = DemoIdentityProviderTest.accessToken(idp, calendar.resource());
        String clientId = SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("client_id");
        assertThat(post(calendar, INITIALIZE, Optional.of(token), Optional.empty())
                        .statusCode())
                .isEqualTo(200);

        HTTPRequest revocation = new TokenRevocationRequest(
                        idp.revocationEndpoint().orElseThrow(), new ClientID(clientId), new BearerAccessToken(token))
                .toHTTPRequest();
        revocation.setReadTimeout(30_000);
        assertThat(revocation.send().getStatusCode()).isEqualTo(200);
        HttpResponse<String> refused = post(calendar, INITIALIZE, Optional.of(token), Optional.empty());

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\", error_description=\"the token has been revoked\"");
        assertThat(post(calendar, INITIALIZE, Optional.of(other), Optional.empty())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void whenOnlyToolCallsAreProtectedThenTheCallMeetsThe401() throws Exception {
        try (ProtectedDemoUpstream tasks = ProtectedDemoUpstream.builder("tasks", idp)
                .requireAuthOnlyForToolCalls(true)
                .build()
                .start()) {
            HttpResponse<String> initialized = post(tasks, INITIALIZE, Optional.empty(), Optional.empty());
            Optional<String> session = initialized.headers().firstValue("Mcp-Session-Id");
            post(tasks, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Optional.empty(), session);
            HttpResponse<String> listed =
                    post(tasks, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", Optional.empty(), session);
            String call = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";
            HttpResponse<String> refused = post(tasks, call, Optional.empty(), session);
            String token = DemoIdentityProviderTest.accessToken(idp, tasks.resource());
            HttpResponse<String> called = post(tasks, call, Optional.of(token), session);

            assertThat(initialized.statusCode()).isEqualTo(200);
            assertThat(session).isPresent();
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body()).contains("whoami");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer resource_metadata=\"" + tasks.resourceMetadataUrl() + "\"");
            assertThat(called.statusCode()).isEqualTo(200);
            assertThat(called.body()).contains("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
        }
    }

    @Test
    void whenAdvertisedResourceDiffersThenMetadataShowsItButTokensMustNameTheRealOne() throws Exception {
        URI wrong = URI.create("https://elsewhere.example/mcp");
        try (ProtectedDemoUpstream odd = ProtectedDemoUpstream.builder("odd", idp)
                .advertisedResource(wrong)
                .build()
                .start()) {
            String forAdvertised = DemoIdentityProviderTest.accessToken(idp, wrong);
            String forReal = DemoIdentityProviderTest.accessToken(idp, odd.resource());

            assertThat(getJson(odd.resourceMetadataUrl()).get("resource").textValue())
                    .isEqualTo(wrong.toString());
            assertThat(post(odd, INITIALIZE, Optional.of(forAdvertised), Optional.empty())
                            .statusCode())
                    .isEqualTo(401);
            assertThat(post(odd, INITIALIZE, Optional.of(forReal), Optional.empty())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void whenAToolRequiresAScopeTheTokenLacksThen403InsufficientScopeForThatToolOnly() throws Exception {
        try (ProtectedDemoUpstream admin = ProtectedDemoUpstream.builder("admin", idp)
                .toolRequiringScope("echo", "demo.admin")
                .build()
                .start()) {
            String token = DemoIdentityProviderTest.accessToken(idp, admin.resource());
            HttpResponse<String> initialized = post(admin, INITIALIZE, Optional.of(token), Optional.empty());
            Optional<String> session = initialized.headers().firstValue("Mcp-Session-Id");
            post(admin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Optional.of(token), session);
            String echo = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}";
            String whoami = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";

            HttpResponse<String> refused = post(admin, echo, Optional.of(token), session);
            HttpResponse<String> allowed = post(admin, whoami, Optional.of(token), session);

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer error=\"insufficient_scope\", scope=\"demo.read demo.write demo.admin\","
                            + " resource_metadata=\"" + admin.resourceMetadataUrl()
                            + "\", error_description=\"this tool needs scope demo.admin\"");
            assertThat(JSON.readTree(refused.body()).get("error").textValue()).isEqualTo("insufficient_scope");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).contains("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
        }
    }

    private static McpSyncClient connect(ProtectedDemoUpstream upstream, String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                        "http://127.0.0.1:" + upstream.port())
                .endpoint(ProtectedDemoUpstream.MCP_ENDPOINT)
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(30))
                .clientInfo(new McpSchema.Implementation("test-client", "1"))
                .build();
        client.initialize();
        return client;
    }

    private static String text(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(result.toString()).isNotEqualTo(Boolean.TRUE);
        return ((TextContent) result.content().get(0)).text();
    }

    private static HttpResponse<String> post(
            ProtectedDemoUpstream upstream, String body, Optional<String> token, Optional<String> session)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.mcpUrl())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        session.ifPresent(s -> request.header("Mcp-Session-Id", s));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(URI url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
