package dev.portico.config;

import java.util.List;
import java.util.Optional;

/** Reads {@code metrics}: whether Portico serves its own metrics. */
final class MetricsConfigReader {

    static final List<String> KEYS = List.of("enabled");

    private MetricsConfigReader() {}

    /** The metrics settings, {@link MetricsConfig#defaults()} when the section is absent, or null on problems. */
    static MetricsConfig read(MappingReader root, Problems problems) {
        if (!root.has("metrics")) {
            return MetricsConfig.defaults();
        }
        Optional<MappingReader> found = root.mapping("metrics", "metrics: {enabled: true}");
        if (found.isEmpty()) {
            return null;
        }
        MappingReader metrics = found.get();
        int before = problems.count();
        metrics.allowOnly(KEYS);
        boolean enabled =
                metrics.bool("enabled").orElse(MetricsConfig.defaults().enabled());
        return problems.count() == before ? new MetricsConfig(enabled) : null;
    }
}
