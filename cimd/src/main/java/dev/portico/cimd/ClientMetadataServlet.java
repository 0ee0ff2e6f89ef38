package dev.portico.cimd;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * Serves one {@link ClientMetadataDocument} at the URL that is its {@code client_id}.
 *
 * <p>Authorization servers fetch the document at every sign-in unless they cache it, and the draft asks them to
 * respect HTTP caching (draft-ietf-oauth-client-id-metadata-document §4.4), so the response says it may be cached for
 * an hour and carries a strong ETag; a conditional GET whose {@code If-None-Match} matches gets 304 (RFC 9110
 * §13.1.2). GET and HEAD are the only methods; anything else gets 405 with {@code Allow}.
 *
 * <p>The body is computed once, at construction: the document depends only on configuration. Safe for concurrent use.
 */
public final class ClientMetadataServlet extends HttpServlet {

    /** One hour: long enough to spare authorization servers a fetch per sign-in, short enough for a config change. */
    public static final String CACHE_CONTROL = "public, max-age=3600";

    private static final String ALLOW = "GET, HEAD";

    private final byte[] body;
    private final String etag;

    public ClientMetadataServlet(ClientMetadataDocument document) {
        this.body = Objects.requireNonNull(document, "document").toJson().getBytes(StandardCharsets.UTF_8);
        this.etag = etagOf(body);
    }

    /** The strong entity tag of the document, quoted as it appears in the {@code ETag} header. */
    public String etag() {
        return etag;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setHeader("Allow", ALLOW);
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", CACHE_CONTROL);
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (EntityTags.anyMatches(request.getHeaders("If-None-Match"), etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(ClientMetadataDocument.MEDIA_TYPE);
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    private static String etagOf(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
