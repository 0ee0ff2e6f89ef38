package dev.portico.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.aggregator.reload.ConfigGeneration;
import dev.portico.aggregator.reload.ReloadOutcome;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.storage.StoreEvictions;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PorticoMetricsTest {

    private final PorticoMetrics metrics = PorticoMetrics.prometheus(List.of("calendar"));

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void whenAnAuthorizationServerSendsAnUnlistedErrorThenItCountsAsOther() {
        metrics.recorded(AuditRecord.failed(
                AuditEvent.CALLBACK, "calendar", "https://as.example", "session-1", "made_up_by_a_browser", null));
        metrics.recorded(AuditRecord.failed(
                AuditEvent.REFRESH, "calendar", "https://as.example", "session-1", "invalid_grant", null));

        assertThat(metrics.scrape())
                .contains("portico_auth_failures_total{error=\"other\"} 1.0")
                .contains("portico_auth_failures_total{error=\"invalid_grant\"} 1.0")
                .contains("portico_auth_events_total{kind=\"callback\",outcome=\"failed\"} 1.0")
                .contains("portico_auth_events_total{kind=\"refresh\",outcome=\"failed\"} 1.0")
                .doesNotContain("made_up_by_a_browser")
                .doesNotContain("session-1");
    }

    @Test
    void whenAStoreEvictsThenItsCounterMovesFromZero() {
        metrics.countStores(Map.of("tokens", () -> 3));
        assertThat(metrics.scrape()).contains("portico_store_evictions_total{store=\"tokens\"} 0.0");

        metrics.evicted("tokens");
        metrics.evicted("tokens");

        assertThat(metrics.scrape())
                .contains("portico_store_evictions_total{store=\"tokens\"} 2.0")
                .contains("portico_store_entries{store=\"tokens\"} 3.0");
    }

    @Test
    void whenACapDropsEntriesThenTheStoresHookCountsThemUnderItsLabelName() {
        metrics.evictions().evicted(StoreEvictions.SIGN_INS, StoreEvictions.SESSION_CAP, 3);
        metrics.evictions().evicted(StoreEvictions.TOKENS, StoreEvictions.TOTAL_CAP, 1);

        assertThat(metrics.scrape())
                .contains("portico_store_evictions_total{store=\"sign_ins\"} 3.0")
                .contains("portico_store_evictions_total{store=\"tokens\"} 1.0")
                .doesNotContain("store=\"sign-ins\"");
    }

    @Test
    void whenTheConfigIsReloadedThenItsGenerationAndReloadsAreShown() {
        ConfigGeneration generation = new ConfigGeneration();
        metrics.watchConfig(generation);
        assertThat(metrics.scrape()).contains("portico_config_generation 1.0");

        generation.record(ReloadOutcome.APPLIED);
        generation.record(ReloadOutcome.REJECTED);

        assertThat(metrics.scrape())
                .contains("portico_config_generation 2.0")
                .contains("portico_config_reloads_total{outcome=\"applied\"} 1.0")
                .contains("portico_config_reloads_total{outcome=\"rejected\"} 1.0")
                .contains("portico_config_reloads_total{outcome=\"unchanged\"} 0.0");
    }

    @Test
    void whenAReloadAddsAnUpstreamThenItIsMeasuredToo() {
        metrics.measureUpstreams(List.of("calendar", "mail"));

        assertThat(metrics.scrape())
                .contains("portico_upstream_up{upstream=\"calendar\"} NaN")
                .contains("portico_upstream_up{upstream=\"mail\"} NaN");
    }

    @Test
    void whenAStoreCannotBeCountedThenItsGaugeIsNaN() {
        metrics.countStores(Map.of("tokens", () -> {
            throw new StorageUnavailableException("PostgreSQL storage: counting failed", null);
        }));

        assertThat(metrics.scrape()).contains("portico_store_entries{store=\"tokens\"} NaN");
    }

    @Test
    void whenAForwardedCallIsCancelledThenItCountsAsCancelled() {
        Mono<McpSchema.CallToolResult> never = Mono.never();

        metrics.toolCall("calendar", never)
                .timeout(Duration.ofMillis(10), Mono.empty())
                .block();

        assertThat(metrics.scrape())
                .contains("portico_tool_calls_total{outcome=\"cancelled\",upstream=\"calendar\"} 1.0")
                .contains("portico_tool_calls_total{outcome=\"ok\",upstream=\"calendar\"} 0.0");
    }

    @Test
    void whenAnUpstreamWasNeverTriedThenItsUpGaugeIsNaN() {
        assertThat(metrics.scrape()).contains("portico_upstream_up{upstream=\"calendar\"} NaN");

        metrics.answered("calendar", false);

        assertThat(metrics.scrape()).contains("portico_upstream_up{upstream=\"calendar\"} 0.0");
    }

    @Test
    void whenMetricsAreOffThenNothingIsServed() {
        PorticoMetrics off = PorticoMetrics.off();
        off.evicted("tokens");

        assertThat(off.served()).isFalse();
        assertThatThrownBy(off::scrape).isInstanceOf(IllegalStateException.class);
    }
}
