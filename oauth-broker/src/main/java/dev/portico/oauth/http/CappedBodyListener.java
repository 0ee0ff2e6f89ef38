package dev.portico.oauth.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Buffers a response body up to a limit and aborts the exchange as soon as the limit would be passed, whether the
 * server announced the length or not. Counting happens after content decoding, so a small compressed body that
 * inflates past the limit is stopped too.
 *
 * <p>One instance per exchange. Jetty calls the listener methods one at a time; {@link #result()} publishes the body
 * to the waiting thread.
 */
final class CappedBodyListener implements Response.Listener {

    /** The abort cause when the limit is passed; recognised in {@link OutboundHttp}. */
    static final class BodyTooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(long limit) {
            super("the response body exceeds " + limit + " bytes", null, false, false);
        }
    }

    private final long limit;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<Result> result = new CompletableFuture<>();

    CappedBodyListener(long limit) {
        this.limit = limit;
    }

    @Override
    public void onHeaders(Response response) {
        long announced;
        try {
            announced = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        } catch (NumberFormatException e) {
            // Jetty's parser rejects such a response on its own; nothing to decide here.
            return;
        }
        if (announced > limit) {
            response.abort(new BodyTooLarge(limit));
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        if ((long) body.size() + content.remaining() > limit) {
            response.abort(new BodyTooLarge(limit));
            return;
        }
        byte[] chunk = new byte[content.remaining()];
        content.get(chunk);
        body.write(chunk, 0, chunk.length);
    }

    @Override
    public void onComplete(Result complete) {
        result.complete(complete);
    }

    /** Completes once the exchange has ended, successfully or not. */
    CompletableFuture<Result> result() {
        return result;
    }

    /** The bytes received; read only after {@link #result()} has completed. */
    byte[] body() {
        return body.toByteArray();
    }
}
