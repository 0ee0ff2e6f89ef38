package dev.portico.aggregator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.transport.tracecontext.TraceContext;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

class LogFieldsTest {

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void whenARequestsTransportContextHoldsItsIdAndTraceThenTheyBecomeItsFields() {
        TraceContext trace = TraceContext.parse(
                        List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), List.of())
                .orElseThrow();
        Context context = Context.of(
                McpTransportContext.KEY,
                McpTransportContext.create(Map.of("portico.jsonrpc.id", 7, TraceContext.TRANSPORT_CONTEXT_KEY, trace)));

        LogFields fields = LogFields.forRequest(context, "3f2a9c1e").forCall("calendar", "calendar__whoami");

        assertThat(fields.fields())
                .containsExactly(
                        Map.entry(LogFields.REQUEST_ID, "7"),
                        Map.entry(LogFields.SESSION, "3f2a9c1e"),
                        Map.entry(LogFields.UPSTREAM, "calendar"),
                        Map.entry(LogFields.TOOL, "calendar__whoami"),
                        Map.entry(LogFields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736"));
    }

    @Test
    void whenTheClientsRequestIdHoldsALineBreakOrIsHugeThenWhatIsLoggedIsOneShortLine() {
        assertThat(LogFields.loggable(7)).isEqualTo("7");
        assertThat(LogFields.loggable("a\n12:00:00.000 INFO  Fake - forged"))
                .isEqualTo("a?12:00:00.000 INFO  Fake - forged");
        assertThat(LogFields.loggable("x".repeat(1000)))
                .hasSize(LogFields.MAX_LOGGED_LENGTH + 1)
                .endsWith("…");
    }

    @Test
    void whenAScopeClosesThenTheMdcIsAsBefore() {
        MDC.put(LogFields.SESSION, "outer");
        LogFields fields = new LogFields("1", "inner", null, null, null);

        try (LogFields.Scope scope = fields.open()) {
            assertThat(MDC.get(LogFields.REQUEST_ID)).isEqualTo("1");
            assertThat(MDC.get(LogFields.SESSION)).isEqualTo("inner");
            assertThat(MDC.get(LogFields.UPSTREAM)).isNull();
        }

        assertThat(MDC.get(LogFields.REQUEST_ID)).isNull();
        assertThat(MDC.get(LogFields.SESSION)).isEqualTo("outer");
    }

    @Test
    void whenTheFieldsAreInTheReactorContextThenCodeOnAnotherThreadReadsThemBack() {
        LogFields fields = new LogFields("1", "3f2a9c1e", "tracer", "tracer__echo", null);

        String seen = Mono.deferContextual(
                        context -> Mono.fromCallable(() -> LogFields.of(context).get(() -> MDC.get(LogFields.TOOL))))
                .subscribeOn(Schedulers.boundedElastic())
                .contextWrite(fields::into)
                .block();

        assertThat(seen).isEqualTo("tracer__echo");
        assertThat(LogFields.of(Context.empty())).isEqualTo(LogFields.NONE);
    }
}
