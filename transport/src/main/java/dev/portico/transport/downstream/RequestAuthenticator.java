package dev.portico.transport.downstream;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Decides who a request to an MCP endpoint comes from, before the transport touches it. The transport knows no
 * policy: the composition root supplies one (Portico's bearer-token check), or none.
 *
 * <p>A session is bound to the principal that opened it: a later request naming the session with another principal
 * is answered 404, as if the session did not exist (see {@link HttpMcpServer}).
 */
@FunctionalInterface
public interface RequestAuthenticator {

    /**
     * The caller's principal: a stable, opaque name of the user, the same for all of the user's requests and never
     * the same for two users. Empty after this method answered the request itself (a refusal such as a 401).
     *
     * @param endpointPath {@link HttpMcpServer#MCP_PATH} for streamable HTTP, {@link HttpMcpServer#SSE_PATH} for the
     *     legacy transport (its stream and its message endpoint)
     */
    Optional<String> authenticate(HttpServletRequest request, HttpServletResponse response, String endpointPath)
            throws IOException;
}
