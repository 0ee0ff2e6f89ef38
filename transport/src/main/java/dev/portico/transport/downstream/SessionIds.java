package dev.portico.transport.downstream;

/** Session ids in logs: a streamable HTTP session id is a bearer credential, so only its head is ever logged. */
public final class SessionIds {

    private static final int LOGGED_LENGTH = 8;

    private SessionIds() {}

    public static String truncate(String sessionId) {
        if (sessionId == null) {
            return "-";
        }
        return sessionId.length() <= LOGGED_LENGTH ? sessionId : sessionId.substring(0, LOGGED_LENGTH);
    }

    /**
     * {@code text} with every occurrence of {@code sessionId} cut to its head: for messages of the MCP SDK's exceptions,
     * some of which name the session ("Stream unavailable for session ...").
     */
    public static String redact(String text, String sessionId) {
        if (text == null || sessionId == null || sessionId.length() <= LOGGED_LENGTH) {
            return text;
        }
        return text.replace(sessionId, truncate(sessionId) + "…");
    }
}
