package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.Browser;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call that needs a sign-in, answered the MCP 2025-11-25 way to a client that declared URL elicitation: error
 * -32042 carrying Portico's start link, then {@code notifications/elicitation/complete} once the user signed in, and
 * the client's retry succeeds. Clients without the capability keep the {@code auth_required} tool result.
 */
@OAuthEndToEnd
class UrlElicitationEndToEndTest {

    private static final Duration SIGN_IN_SETTLES = Duration.ofSeconds(20);

    private SignInWorld world;
    private final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::closeGracefully);
        if (world != null) {
            world.close();
        }
    }

    @Test
    void whenTheClientSupportsUrlElicitationThenItGetsTheElicitationAndIsToldWhenSignInCompleted() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        List<McpSchema.ElicitationCompleteNotification> completed = new CopyOnWriteArrayList<>();
        McpSyncClient client = urlElicitingClient(completed);
        await().atMost(SIGN_IN_SETTLES).until(() -> toolNames(client).contains("calendar__whoami"));

        McpError error = catchThrowableOfType(() -> call(client, "calendar__whoami"), McpError.class);

        assertThat(error)
                .as("the call is answered with URLElicitationRequiredError")
                .isNotNull();
        assertThat(error.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.URL_ELICITATION_REQUIRED);
        Map<String, Object> elicitation = onlyElicitation(error);
        assertThat(elicitation).containsEntry("mode", "url");
        assertThat((String) elicitation.get("message")).contains("calendar");
        URI link = URI.create((String) elicitation.get("url"));
        assertThat(link.toString()).startsWith(world.portico.baseUri() + "/oauth/start/");
        String elicitationId = (String) elicitation.get("elicitationId");
        assertThat(elicitationId).isNotBlank().doesNotContain(link.getPath().substring("/oauth/start/".length()));
        assertThat(completed).isEmpty();

        Browser.Page page = new Browser().open(link);

        assertThat(page.body()).contains("Signed in to calendar");
        await().atMost(SIGN_IN_SETTLES).until(() -> !completed.isEmpty());
        assertThat(completed)
                .extracting(McpSchema.ElicitationCompleteNotification::elicitationId)
                .containsExactly(elicitationId);
        assertThat(Clients.text(call(client, "calendar__whoami"))).contains("hello demo-user");
    }

    @Test
    void theCompletionGoesToTheClientThatWasAskedAndToNoOther() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        List<McpSchema.ElicitationCompleteNotification> mine = new CopyOnWriteArrayList<>();
        List<McpSchema.ElicitationCompleteNotification> theirs = new CopyOnWriteArrayList<>();
        McpSyncClient me = urlElicitingClient(mine);
        McpSyncClient other = urlElicitingClient(theirs);
        await().atMost(SIGN_IN_SETTLES).until(() -> toolNames(me).contains("calendar__whoami"));
        await().atMost(SIGN_IN_SETTLES).until(() -> toolNames(other).contains("calendar__whoami"));
        McpError mineAsked = catchThrowableOfType(() -> call(me, "calendar__whoami"), McpError.class);
        McpError otherAsked = catchThrowableOfType(() -> call(other, "calendar__whoami"), McpError.class);
        assertThat(onlyElicitation(otherAsked).get("elicitationId"))
                .isNotEqualTo(onlyElicitation(mineAsked).get("elicitationId"));

        new Browser().open(URI.create((String) onlyElicitation(mineAsked).get("url")));

        await().atMost(SIGN_IN_SETTLES).until(() -> !mine.isEmpty());
        assertThat(Clients.text(call(me, "calendar__whoami"))).contains("hello demo-user");
        assertThat(theirs).as("the other session signed in to nothing").isEmpty();
        assertThat(catchThrowableOfType(() -> call(other, "calendar__whoami"), McpError.class))
                .isNotNull();
    }

    @Test
    void aClientWithoutUrlElicitationKeepsTheToolResult() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        McpSyncClient formOnly = Clients.connect(
                Clients.streamable(world.portico.baseUri()),
                spec -> spec.elicitation(request -> McpSchema.ElicitResult.builder()
                        .message(McpSchema.ElicitResult.Action.DECLINE)
                        .build()));
        clients.add(formOnly);
        await().atMost(SIGN_IN_SETTLES).until(() -> toolNames(formOnly).contains("calendar__whoami"));

        McpSchema.CallToolResult result = call(formOnly, "calendar__whoami");

        assertThat(result.isError()).isTrue();
        assertThat(SignInWorld.authUrl(result).toString()).startsWith(world.portico.baseUri() + "/oauth/start/");
    }

    @Test
    void theSignInToolGivesALinkEvenToAClientThatSupportsUrlElicitation() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        List<McpSchema.ElicitationCompleteNotification> completed = new CopyOnWriteArrayList<>();
        McpSyncClient client = urlElicitingClient(completed);
        await().atMost(SIGN_IN_SETTLES).until(() -> toolNames(client).contains("calendar__authenticate"));

        McpSchema.CallToolResult result = call(client, "calendar__authenticate");

        assertThat(SignInWorld.authUrl(result)).isNotNull();
    }

    private McpSyncClient urlElicitingClient(List<McpSchema.ElicitationCompleteNotification> completed) {
        McpSyncClient client = Clients.connect(Clients.streamable(world.portico.baseUri()), spec -> spec.urlElicitation(
                        request -> McpSchema.ElicitResult.builder()
                                .message(McpSchema.ElicitResult.Action.ACCEPT)
                                .build())
                .elicitationCompleteConsumer(completed::add));
        clients.add(client);
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyElicitation(McpError error) {
        Object data = error.getJsonRpcError().data();
        assertThat(data).as("error data").isInstanceOf(Map.class);
        List<Map<String, Object>> elicitations =
                (List<Map<String, Object>>) ((Map<String, Object>) data).get("elicitations");
        assertThat(elicitations).hasSize(1);
        return elicitations.get(0);
    }
}
