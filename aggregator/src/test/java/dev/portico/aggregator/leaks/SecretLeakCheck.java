package dev.portico.aggregator.leaks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with every logger at TRACE and fails it if any line logged meanwhile, or any exception attached to
 * one, holds a secret value of the run or a full downstream session id ({@link WitnessedSecrets}). Use it through
 * {@link OAuthEndToEnd}.
 *
 * <p>The check fails too when it could not have found anything: when nothing was logged, or when a secret is too short
 * to look for.
 */
public final class SecretLeakCheck implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SecretLeakCheck.class);
    private static final int REPORTED = 20;

    /**
     * Loggers of the test's stand-ins for other parties, which see the secrets by right and are no part of a Portico
     * deployment: Selenium drives the user's browser, which carries the authorization code in its address bar.
     */
    static final List<String> OTHER_PARTIES = List.of("org.openqa.selenium");

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(TraceEverything.class, TraceEverything.start());
        // Proof that TRACE took effect even in a class whose system under test runs in a child process and whose own
        // JVM may log nothing below INFO (afterAll checks that something was captured below INFO).
        org.slf4j.LoggerFactory.getLogger(SecretLeakCheck.class)
                .trace("Capturing every logger at TRACE for {}", context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TraceEverything tracing = context.getStore(NAMESPACE).remove(TraceEverything.class, TraceEverything.class);
        List<CapturedLine> lines = tracing.stop().stream()
                .filter(line -> OTHER_PARTIES.stream().noneMatch(line.logger()::startsWith))
                .toList();
        Map<String, String> lookedFor = new HashMap<>(WitnessedSecrets.sessionIds());
        lookedFor.putAll(WitnessedSecrets.secrets());
        SecretScanner scanner = new SecretScanner(lookedFor);
        if (lines.stream()
                .noneMatch(line -> line.level().equals("DEBUG") || line.level().equals("TRACE"))) {
            throw new AssertionError("nothing was logged below INFO: TRACE did not take effect");
        }
        if (!scanner.tooShort().isEmpty()) {
            throw new AssertionError("values too short to look for in the logs: " + scanner.tooShort()
                    + "; give the test longer secrets");
        }
        long started = System.nanoTime();
        List<SecretScanner.Finding> findings = scanner.scan(lines);
        System.err.printf(
                "Secret leak check of %s: %d log lines, %d secrets and session ids looked for, %d found, in %d ms%n",
                context.getRequiredTestClass().getSimpleName(),
                lines.size(),
                lookedFor.size(),
                findings.size(),
                (System.nanoTime() - started) / 1_000_000);
        if (!findings.isEmpty()) {
            Path report = report(context, findings, scanner);
            throw new AssertionError(findings.size() + " of " + lines.size() + " log lines hold a secret or a full"
                    + " session id (" + summary(findings) + "); all of them, the secrets replaced by their kind, in "
                    + report + "; the first " + Math.min(REPORTED, findings.size()) + ":\n"
                    + findings.stream()
                            .limit(REPORTED)
                            .map(finding -> finding.describe(scanner.needles()))
                            .collect(Collectors.joining("\n")));
        }
    }

    /** Writes every finding to {@code target/secret-leaks/<class>.txt}, for the developer who has to fix them. */
    private static Path report(ExtensionContext context, List<SecretScanner.Finding> findings, SecretScanner scanner) {
        Path report =
                Path.of("target", "secret-leaks", context.getRequiredTestClass().getSimpleName() + ".txt");
        try {
            Files.createDirectories(report.getParent());
            Files.write(
                    report,
                    findings.stream()
                            .map(finding -> finding.describe(scanner.needles()))
                            .toList());
            return report.toAbsolutePath();
        } catch (IOException e) {
            return Path.of("(not written: " + e.getMessage() + ")");
        }
    }

    private static String summary(List<SecretScanner.Finding> findings) {
        return findings.stream()
                .collect(Collectors.groupingBy(
                        finding -> finding.kind() + " from " + finding.line().logger(), Collectors.counting()))
                .entrySet()
                .stream()
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare(b, a)))
                .map(entry -> entry.getKey() + " ×" + entry.getValue())
                .collect(Collectors.joining(", "));
    }
}
