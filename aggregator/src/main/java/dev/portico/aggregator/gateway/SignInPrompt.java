package dev.portico.aggregator.gateway;

import dev.portico.aggregator.auth.AuthChallenge;
import dev.portico.aggregator.session.GatewaySession;
import dev.portico.transport.downstream.DownstreamSession;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * How a tool call that needs the user to sign in is answered. The one place that knows which form each MCP revision
 * has for "open this link, then try again", so that the next one (the revision after 2025-11-25 turns it into an
 * input-required result) changes only this class.
 *
 * <ul>
 *   <li>A client that negotiated 2025-11-25 or later and declared {@code capabilities.elicitation.url} gets the
 *       {@code URLElicitationRequiredError} (JSON-RPC error -32042) whose one URL elicitation carries Portico's start
 *       link, a message naming the server, and the sign-in's flow id as {@code elicitationId}. The session sends it
 *       {@code notifications/elicitation/complete} with that id once the server is connected again (see {@link
 *       GatewaySession#elicitationIssued}), so the client knows when to retry.
 *   <li>Every other client gets the {@code auth_required} tool result ({@link AuthChallenge#toToolResult()}), which
 *       a model can read and a user can act on without any client support.
 * </ul>
 */
final class SignInPrompt {

    /** The first revision with URL-mode elicitation and error -32042. */
    static final String URL_ELICITATION_SINCE = "2025-11-25";

    private SignInPrompt() {}

    /** Whether {@code client} can be asked to open a URL through URL-mode elicitation. */
    static boolean urlElicitation(DownstreamSession client) {
        McpSchema.ClientCapabilities.Elicitation elicitation =
                client.capabilities().elicitation();
        // Revisions are dates, so their strings order as they do.
        return elicitation != null
                && elicitation.url() != null
                && client.protocolVersion().compareTo(URL_ELICITATION_SINCE) >= 0;
    }

    /** The answer to a tool call that needs the sign-in of {@code challenge}. */
    static Mono<McpSchema.CallToolResult> answer(GatewaySession session, AuthChallenge challenge) {
        if (!urlElicitation(session.downstream())) {
            return Mono.just(challenge.toToolResult());
        }
        session.elicitationIssued(challenge.server(), challenge.flowId());
        McpSchema.ElicitUrlRequest elicitation = McpSchema.ElicitUrlRequest.builder(
                        challenge.message() + " Open the link to sign in; the call can be retried once you are done.",
                        challenge.authUrl().toString(),
                        challenge.flowId())
                .build();
        McpError error = McpError.URL_ELICITATION_REQUIRED.apply(List.of(elicitation));
        return Mono.error(error);
    }
}
