package dev.portico.aggregator.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (the config is loaded and the listeners are up): plain
 * endpoints for load balancers and orchestrators. Readiness does not depend on upstreams: Portico serves the others
 * when one is down, so taking it out of rotation for that would make things worse. It does depend on the storage of
 * sign-ins when that is a database: without it no new sign-in can start, and another replica may be able to.
 */
public final class HealthServlet extends HttpServlet {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient Supplier<Optional<String>> notReady;

    /** @param notReady why Portico cannot serve now (starting, stopping, storage down); empty when it can */
    public HealthServlet(Supplier<Optional<String>> notReady) {
        this.notReady = notReady;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean readiness = request.getRequestURI().endsWith("/readyz");
        Optional<String> reason = readiness ? notReady.get() : Optional.empty();
        response.setStatus(reason.isEmpty() ? 200 : 503);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", reason.isPresent() ? "not ready" : readiness ? "ready" : "alive");
        reason.ifPresent(r -> body.put("reason", r));
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }
}
