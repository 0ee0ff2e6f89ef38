package dev.portico.aggregator.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (the config is loaded and the listeners are up): plain
 * endpoints for load balancers and orchestrators. Readiness does not depend on upstreams: Portico serves the others
 * when one is down, so taking it out of rotation for that would make things worse. It does depend on the storage of
 * sign-ins when that is a database: without it no new sign-in can start, and another replica may be able to.
 *
 * <p>{@code /readyz} also names the generation of the config Portico runs with, in its body ({@code
 * "configGeneration"}) and in the {@value #GENERATION_HEADER} header, whether ready or not: after changing the config
 * file, an operator (or a deployment script) can see whether the change was applied.
 */
public final class HealthServlet extends HttpServlet {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The response header of {@code /readyz} that carries the config generation. */
    public static final String GENERATION_HEADER = "Portico-Config-Generation";

    private final transient Supplier<Optional<String>> notReady;
    private final transient LongSupplier configGeneration;

    /**
     * @param notReady why Portico cannot serve now (starting, stopping, storage down); empty when it can
     * @param configGeneration the generation of the config Portico runs with
     */
    public HealthServlet(Supplier<Optional<String>> notReady, LongSupplier configGeneration) {
        this.notReady = notReady;
        this.configGeneration = configGeneration;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean readiness = request.getRequestURI().endsWith("/readyz");
        Optional<String> reason = readiness ? notReady.get() : Optional.empty();
        response.setStatus(reason.isEmpty() ? 200 : 503);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reason.isPresent() ? "not ready" : readiness ? "ready" : "alive");
        reason.ifPresent(r -> body.put("reason", r));
        if (readiness) {
            long generation = configGeneration.getAsLong();
            response.setHeader(GENERATION_HEADER, Long.toString(generation));
            body.put("configGeneration", generation);
        }
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }
}
