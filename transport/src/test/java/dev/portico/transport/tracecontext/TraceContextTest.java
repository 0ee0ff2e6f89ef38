package dev.portico.transport.tracecontext;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.util.context.Context;

class TraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void whenTraceparentIsValidThenItsPartsAreReadAndItIsRepeatedUnchanged() {
        TraceContext trace = TraceContext.parse(List.of(VALID), List.of()).orElseThrow();

        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(trace.flags()).isEqualTo("01");
        assertThat(trace.traceparent()).isEqualTo(VALID);
        assertThat(trace.traceState()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // only version 00 is understood
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace-id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent-id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case hex
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace-id one digit short
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01"
            })
    void whenTraceparentIsInvalidThenThereIsNoTraceContextAndTracestateIsIgnoredWithIt(String traceparent) {
        assertThat(TraceContext.parse(List.of(traceparent), List.of("vendor=value")))
                .isEmpty();
    }

    @Test
    void whenTraceparentIsAbsentOrRepeatedThenThereIsNoTraceContext() {
        assertThat(TraceContext.parse(List.of(), List.of("vendor=value"))).isEmpty();
        assertThat(TraceContext.parse(null, null)).isEmpty();
        assertThat(TraceContext.parse(List.of(VALID, VALID), List.of())).isEmpty();
    }

    @Test
    void whenTracestateComesInSeveralFieldLinesThenTheyAreOneCommaSeparatedList() {
        TraceContext trace = TraceContext.parse(List.of(VALID), List.of("congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"))
                .orElseThrow();

        assertThat(trace.traceState()).contains("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    }

    @Test
    void whenTracestateIsTooLongOrHoldsAControlCharacterThenItIsDroppedAndTraceparentKept() {
        String tooLong = "a=" + "x".repeat(TraceContext.MAX_TRACESTATE_LENGTH);

        assertThat(TraceContext.parse(List.of(VALID), List.of(tooLong))
                        .orElseThrow()
                        .traceState())
                .isEmpty();
        assertThat(TraceContext.parse(List.of(VALID), List.of("a=b\r\nX-Injected: 1"))
                        .orElseThrow()
                        .traceState())
                .isEmpty();
    }

    @Test
    void whenTheTransportContextHoldsATraceContextThenTheReactorContextOfTheRequestYieldsIt() {
        TraceContext trace = TraceContext.parse(List.of(VALID), List.of()).orElseThrow();
        McpTransportContext transport = McpTransportContext.create(Map.of(TraceContext.TRANSPORT_CONTEXT_KEY, trace));

        assertThat(TraceContext.of(transport)).contains(trace);
        assertThat(TraceContext.of(Context.of(McpTransportContext.KEY, transport)))
                .contains(trace);
        assertThat(TraceContext.of(McpTransportContext.EMPTY)).isEqualTo(Optional.empty());
        assertThat(TraceContext.of(Context.empty())).isEmpty();
    }
}
