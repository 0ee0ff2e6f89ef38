package dev.portico.transport.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON-RPC 2.0 checks Portico makes before the SDK sees a client's message, over HTTP and stdio. */
class InboundMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-1,\"message\":\"declined\"}}"
            })
    void wellFormedMessagesPass(String body) {
        assertThat(InboundMessage.of(bytes(body)).refusal()).isEmpty();
    }

    @Test
    void bodiesThatAreNotJsonAreParseErrors() {
        for (String body : List.of("{\"jsonrpc\":", "", "{} {}", "nul")) {
            assertThat(InboundMessage.of(bytes(body)).refusal()).as(body).hasValueSatisfying(r -> assertThat(r.code())
                    .isEqualTo(InboundMessage.PARSE_ERROR));
        }
    }

    @Test
    void jsonThatIsNotOneMessageIsAnInvalidRequestWithTheIdWhenReadable() {
        assertThat(InboundMessage.of(bytes("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}"))
                        .refusal())
                .hasValueSatisfying(r -> {
                    assertThat(r.code()).isEqualTo(InboundMessage.INVALID_REQUEST);
                    assertThat(r.id().asInt()).isEqualTo(7);
                });
        for (String body : List.of("[]", "42", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}")) {
            assertThat(InboundMessage.of(bytes(body)).refusal()).as(body).hasValueSatisfying(r -> {
                assertThat(r.code()).isEqualTo(InboundMessage.INVALID_REQUEST);
                assertThat(r.id()).isNull();
            });
        }
    }

    @Test
    void stdioPassesGoodLinesAndAnswersBadOnesWithoutStopping() throws IOException {
        String input = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
                + "not json\n"
                + "\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(64) + "\"}}\n"
                + "[1]\r\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioMcpServer.WellFormedLines lines =
                new StdioMcpServer.WellFormedLines(new ByteArrayInputStream(bytes(input)), out, 60);

        String passed = new String(lines.readAllBytes(), StandardCharsets.UTF_8);

        assertThat(passed)
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
                        + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
        List<JsonNode> answers = out.toString(StandardCharsets.UTF_8)
                .lines()
                .map(InboundMessageTest::parse)
                .toList();
        assertThat(answers)
                .extracting(a -> a.path("error").path("code").asInt())
                .containsExactly(
                        InboundMessage.PARSE_ERROR, InboundMessage.INVALID_REQUEST, InboundMessage.INVALID_REQUEST);
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(a.get("id").isNull()).isTrue();
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
