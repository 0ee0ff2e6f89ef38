package dev.portico.oauth.token;

/**
 * Shortens identifiers for log lines. A downstream session id is a bearer of the session at some transports, so a log
 * line carries only enough of it to correlate lines: the first 8 characters.
 */
public final class LogIds {

    private static final int SHOWN = 8;

    private LogIds() {}

    /** The first 8 characters of an owner key (a session id), followed by an ellipsis when cut. */
    public static String owner(String owner) {
        if (owner == null) {
            return "-";
        }
        return owner.length() <= SHOWN ? owner : owner.substring(0, SHOWN) + "…";
    }
}
