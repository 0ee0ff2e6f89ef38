package dev.portico.transport.downstream;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link RequestAuthenticator} in front of {@code /mcp}, {@code /sse} and {@code /message}, and keeps each
 * session to the principal that opened it: a request that names another principal's session (its {@code
 * Mcp-Session-Id}, or the {@code sessionId} of the legacy message endpoint) gets the same 404 as an unknown session
 * and reaches nothing, so a user who learnt another user's session id can neither use it nor tell that it exists.
 */
final class AuthenticationFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationFilter.class);

    /** How much of a refused request's body is read so that the client's connection can be reused. */
    private static final long DRAIN_BYTES = 4L * 1024 * 1024;

    private final RequestAuthenticator authenticator;
    private final SessionPrincipals principals;

    AuthenticationFilter(RequestAuthenticator authenticator, SessionPrincipals principals) {
        this.authenticator = authenticator;
        this.principals = principals;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse httpResponse = (HttpServletResponse) response;
        String path = http.getServletPath();
        boolean streamable = HttpMcpServer.MCP_PATH.equals(path);
        Optional<String> principal = authenticator.authenticate(
                http, httpResponse, streamable ? HttpMcpServer.MCP_PATH : HttpMcpServer.SSE_PATH);
        if (principal.isEmpty()) {
            return;
        }
        String sessionId = streamable ? http.getHeader("Mcp-Session-Id") : http.getParameter("sessionId");
        if (sessionId != null && principals.belongsToAnother(sessionId, principal.get())) {
            log.info("Refused a request for session {} of another user", SessionIds.truncate(sessionId));
            http.getInputStream().skip(DRAIN_BYTES);
            httpResponse.setStatus(HttpServletResponse.SC_NOT_FOUND);
            httpResponse.setContentType("application/json");
            httpResponse.setCharacterEncoding("UTF-8");
            httpResponse
                    .getWriter()
                    .write(InboundMessage.errorResponse(InboundMessage.INVALID_REQUEST, UNKNOWN_SESSION_MESSAGE, null));
            return;
        }
        if (!streamable && "GET".equalsIgnoreCase(http.getMethod())) {
            openStream(http, httpResponse, chain, principal.get());
            return;
        }
        principals.enter(principal.get());
        try {
            chain.doFilter(request, response);
        } finally {
            principals.leave();
        }
    }

    /**
     * A legacy SSE stream: binds the session the SDK announces on it to the principal, until the stream ends. The
     * session's id in {@code /message?sessionId=} is the SDK's own (see {@link SseSessionIdCapture}).
     */
    private void openStream(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain, String principal)
            throws IOException, ServletException {
        // Bound the moment the SDK writes the id, before the client can read it: a client that posts to the message
        // endpoint as soon as it sees the id must find the session already bound, whoever it is.
        SseSessionIdCapture capture =
                new SseSessionIdCapture(response, announced -> principals.bind(announced, Optional.of(principal)));
        principals.enter(principal);
        try {
            chain.doFilter(request, capture);
        } finally {
            principals.leave();
        }
        Optional<String> sessionId = capture.sessionId();
        if (sessionId.isEmpty()) {
            return;
        }
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new ForgetOnEnd(principals, sessionId.get()));
        } else {
            principals.forget(sessionId.get());
        }
    }

    private record ForgetOnEnd(SessionPrincipals principals, String sessionId) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            principals.forget(sessionId);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            principals.forget(sessionId);
        }

        @Override
        public void onError(AsyncEvent event) {
            principals.forget(sessionId);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }

    /** What the SDK answers for a session id it does not know, so that both answers look alike. */
    static final String UNKNOWN_SESSION_MESSAGE = "Session not found";
}
