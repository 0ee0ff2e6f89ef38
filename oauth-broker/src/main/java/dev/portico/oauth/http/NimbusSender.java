package dev.portico.oauth.http;

import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;

/**
 * Carries Nimbus requests over {@link OutboundHttp}: method, URL, header fields and body go out as given, and the
 * response comes back as a Nimbus {@link HTTPResponse} with status, reason, header fields and body.
 *
 * <p>Nimbus bodies are strings (form-encoded or JSON), sent as UTF-8. Safe for concurrent use.
 */
final class NimbusSender implements HTTPRequestSender {

    private static final String CONTENT_TYPE = "Content-Type";

    private final OutboundHttp http;

    NimbusSender(OutboundHttp http) {
        this.http = http;
    }

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws OutboundHttpException {
        HttpFields.Mutable fields = HttpFields.build();
        String contentType = null;
        for (Map.Entry<String, List<String>> header : request.getHeaderMap().entrySet()) {
            List<String> values = header.getValue();
            if (values == null || values.isEmpty()) {
                continue;
            }
            if (CONTENT_TYPE.equalsIgnoreCase(header.getKey())) {
                // Given to the body below, so that Jetty sends the field once.
                contentType = values.get(0);
                continue;
            }
            values.forEach(value -> fields.add(header.getKey(), value));
        }
        Request.Content body = null;
        if (request.getBody() != null) {
            body = new BytesRequestContent(contentType, request.getBody().getBytes(StandardCharsets.UTF_8));
        } else if (contentType != null) {
            fields.add(CONTENT_TYPE, contentType);
        }
        OutboundResponse response = http.exchange(request.getMethod().name(), request.getURI(), fields, body);
        return toNimbus(response);
    }

    private static HTTPResponse toNimbus(OutboundResponse response) {
        HTTPResponse out = new HTTPResponse(response.status());
        out.setStatusMessage(response.reason());
        response.headers().forEach((name, values) -> out.setHeader(name, values.toArray(String[]::new)));
        if (!response.body().isEmpty()) {
            out.setBody(response.body());
        }
        return out;
    }
}
