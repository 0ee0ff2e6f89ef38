package dev.portico.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What differs between the config Portico runs with and a newly loaded one, as a live reload sees it.
 *
 * <p>Upstreams can change while Portico runs; everything else (the {@code server}, {@code oauth}, {@code security},
 * {@code storage}, {@code limits} and {@code metrics} sections) is read once at startup, so a difference there is only reported, by key.
 *
 * @param added upstreams of the new config whose name the running one does not have, in the new config's order
 * @param removed names of running upstreams the new config no longer has
 * @param changed upstreams of the new config that exist in the running one with any setting different (URL,
 *     headers, timeouts, {@code auth}, ...), as they are in the new config
 * @param unchanged names of upstreams that are the same in both
 * @param reordered whether the upstreams present in both come in another order (which decides precedence between
 *     unprefixed tools of the same name)
 * @param restartRequired keys outside {@code upstreams} whose values differ, such as {@code server.port}; they take
 *     effect only when Portico restarts
 */
public record ConfigChanges(
        List<UpstreamConfig> added,
        List<String> removed,
        List<UpstreamConfig> changed,
        List<String> unchanged,
        boolean reordered,
        List<String> restartRequired) {

    public ConfigChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
        restartRequired = List.copyOf(restartRequired);
    }

    /** Compares {@code running} with {@code next}; neither's {@link PorticoConfig#source()} counts. */
    public static ConfigChanges between(PorticoConfig running, PorticoConfig next) {
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(next, "next");
        Map<String, UpstreamConfig> before = byName(running.upstreams());
        Map<String, UpstreamConfig> after = byName(next.upstreams());
        List<UpstreamConfig> added = new ArrayList<>();
        List<UpstreamConfig> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (UpstreamConfig upstream : next.upstreams()) {
            UpstreamConfig old = before.get(upstream.name());
            if (old == null) {
                added.add(upstream);
            } else if (old.equals(upstream)) {
                unchanged.add(upstream.name());
            } else {
                changed.add(upstream);
            }
        }
        List<String> removed = running.upstreams().stream()
                .map(UpstreamConfig::name)
                .filter(name -> !after.containsKey(name))
                .toList();
        List<String> keptBefore = running.upstreams().stream()
                .map(UpstreamConfig::name)
                .filter(after::containsKey)
                .toList();
        List<String> keptAfter = next.upstreams().stream()
                .map(UpstreamConfig::name)
                .filter(before::containsKey)
                .toList();
        List<String> restart = new ArrayList<>();
        restart.addAll(differingKeys("server", running.server(), next.server()));
        restart.addAll(differingKeys("oauth", running.oauth(), next.oauth()));
        restart.addAll(differingKeys("security", running.security(), next.security()));
        restart.addAll(differingKeys("storage", running.storage(), next.storage()));
        restart.addAll(differingKeys("limits", running.limits(), next.limits()));
        restart.addAll(differingKeys("metrics", running.metrics(), next.metrics()));
        return new ConfigChanges(added, removed, changed, unchanged, !keptBefore.equals(keptAfter), restart);
    }

    /** Whether anything about the upstreams differs: what a reload can apply. */
    public boolean upstreamsChanged() {
        return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty() || reordered;
    }

    /** Names of the upstreams that were added, removed or changed. */
    public List<String> affected() {
        List<String> names = new ArrayList<>();
        added.forEach(u -> names.add(u.name()));
        names.addAll(removed);
        changed.forEach(u -> names.add(u.name()));
        return List.copyOf(names);
    }

    /** For a log line: {@code added [a], removed [b], changed [c], unchanged [d]}, leaving out what is empty. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + added.stream().map(UpstreamConfig::name).toList());
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + changed.stream().map(UpstreamConfig::name).toList());
        }
        if (reordered) {
            parts.add("reordered");
        }
        if (!unchanged.isEmpty()) {
            parts.add("unchanged " + unchanged);
        }
        return parts.isEmpty() ? "no upstreams" : String.join(", ", parts);
    }

    private static Map<String, UpstreamConfig> byName(List<UpstreamConfig> upstreams) {
        return upstreams.stream().collect(Collectors.toMap(UpstreamConfig::name, Function.identity()));
    }

    /**
     * The keys of a section record whose values differ, named as in the file ({@code server.port}): the record
     * components of the sections are named after their keys. Values are not shown; some are secrets.
     */
    private static List<String> differingKeys(String section, Record running, Record next) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent component : running.getClass().getRecordComponents()) {
            if (!Objects.equals(value(component, running), value(component, next))) {
                keys.add(section + "." + component.getName());
            }
        }
        return keys;
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of a config section", e);
        }
    }
}
