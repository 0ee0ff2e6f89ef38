package dev.portico.aggregator.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few HTTP chores the demo identity provider and the protected demo upstream share: JSON and HTML answers, OAuth
 * error objects (RFC 6749 §5.2).
 */
final class DemoHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    private DemoHttp() {}

    static void json(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IOException("could not write a JSON answer", e);
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** An OAuth error response: {@code {"error": code, "error_description": description}}. */
    static void oauthError(HttpServletResponse response, int status, String code, String description)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        json(response, status, body);
    }

    /** A small HTML page for the browser, used where OAuth forbids redirecting an error back to the client. */
    static void page(HttpServletResponse response, int status, String title, String message) throws IOException {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>"
                + "<body><h1>" + escape(title) + "</h1><p>" + escape(message) + "</p></body></html>";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
