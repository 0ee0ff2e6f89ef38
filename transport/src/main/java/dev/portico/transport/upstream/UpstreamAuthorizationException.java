package dev.portico.transport.upstream;

import java.util.List;

/**
 * An upstream answered 401 or 403 where the SDK transport would not say so (the legacy SSE client only logs it and
 * lets the caller time out). Carries what the OAuth broker needs: the status and the raw {@code WWW-Authenticate}
 * values.
 */
public final class UpstreamAuthorizationException extends RuntimeException {

    private final int status;
    private final List<String> wwwAuthenticate;

    public UpstreamAuthorizationException(String upstream, int status, List<String> wwwAuthenticate) {
        super("upstream '" + upstream + "' answered HTTP " + status, null, false, false);
        this.status = status;
        this.wwwAuthenticate = List.copyOf(wwwAuthenticate);
    }

    public int status() {
        return status;
    }

    public List<String> wwwAuthenticate() {
        return wwwAuthenticate;
    }
}
