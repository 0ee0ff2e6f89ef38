package dev.portico.aggregator.demo;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code application/x-www-form-urlencoded} query string or body, as OAuth endpoints receive them.
 *
 * <p>OAuth parameters must not repeat (RFC 6749 §3.1), except those defined to repeat, such as RFC 8707's
 * {@code resource}; {@link #repeatedExcept} finds the offenders so the endpoint can refuse the request.
 */
final class DemoForm {

    private final Map<String, List<String>> parameters;

    private DemoForm(Map<String, List<String>> parameters) {
        this.parameters = parameters;
    }

    /** The parameters of {@code encoded}; empty if the percent-encoding is broken. */
    static Optional<DemoForm> parse(String encoded) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (encoded != null) {
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                } catch (IllegalArgumentException brokenEncoding) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new DemoForm(parameters));
    }

    /** The first value of {@code name}, if it is present and not empty (RFC 6749 §3.1: empty means omitted). */
    Optional<String> get(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of {@code name}, in order. */
    List<String> all(String name) {
        return List.copyOf(parameters.getOrDefault(name, List.of()));
    }

    /** The names that appear more than once, other than {@code repeatable}. */
    List<String> repeatedExcept(Set<String> repeatable) {
        return parameters.entrySet().stream()
                .filter(e -> e.getValue().size() > 1 && !repeatable.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** This form, encoded again, with {@code name} set to {@code value} alone (added when absent). */
    String encodeWith(String name, String value) {
        Map<String, List<String>> changed = new LinkedHashMap<>(parameters);
        changed.put(name, List.of(value));
        StringBuilder encoded = new StringBuilder();
        changed.forEach((key, values) -> values.forEach(v -> {
            if (encoded.length() > 0) {
                encoded.append('&');
            }
            encoded.append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }));
        return encoded.toString();
    }

    /** All parameters with their first values, in order. */
    Map<String, String> firstValues() {
        Map<String, String> first = new LinkedHashMap<>();
        parameters.forEach((name, values) -> first.put(name, values.get(0)));
        return first;
    }
}
