package dev.portico.aggregator.health;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (the config is loaded and the listeners are up): plain
 * endpoints for load balancers and orchestrators. Readiness does not depend on upstreams: Portico serves the others
 * when one is down, so taking it out of rotation for that would make things worse.
 */
public final class HealthServlet extends HttpServlet {

    private final transient BooleanSupplier ready;

    public HealthServlet(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean readiness = request.getRequestURI().endsWith("/readyz");
        boolean ok = !readiness || ready.getAsBoolean();
        response.setStatus(ok ? 200 : 503);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        String body = "{\"status\":\"" + (ok ? (readiness ? "ready" : "alive") : "not ready") + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
