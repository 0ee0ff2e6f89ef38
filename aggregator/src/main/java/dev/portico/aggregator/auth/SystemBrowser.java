package dev.portico.aggregator.auth;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a sign-in link in the user's browser, for single-user stdio mode with {@code oauth.openBrowser: true}: the
 * desktop app that spawned Portico may not show links, and the user is at this machine.
 *
 * <p>Uses the platform's own opener ({@code open} on macOS, {@code rundll32 url.dll} on Windows, {@code xdg-open}
 * elsewhere) rather than {@code java.awt.Desktop}, which drags AWT into a server process and is unsupported on many
 * Linux desktops. Failing to open is not an error: the link is in the client's answer too.
 */
public final class SystemBrowser {

    private static final Logger log = LoggerFactory.getLogger(SystemBrowser.class);

    private SystemBrowser() {}

    /** Starts the platform's opener for {@code url}; logs and returns if it cannot. */
    public static void open(URI url) {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            log.warn("Not opening a browser at a {} URL", url.getScheme());
            return;
        }
        List<String> command = command(System.getProperty("os.name", ""), url);
        try {
            new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            log.info("Opened the browser for a sign-in ({})", command.get(0));
        } catch (IOException e) {
            log.warn(
                    "Could not open a browser with {}: {}; the link is in the client's answer",
                    command,
                    e.getMessage());
        }
    }

    /** The command that opens {@code url} on the operating system called {@code osName}. */
    static List<String> command(String osName, URI url) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.contains("darwin")) {
            return List.of("open", url.toString());
        }
        if (os.startsWith("windows")) {
            // Not "cmd /c start": cmd would interpret the & between query parameters.
            return List.of("rundll32", "url.dll,FileProtocolHandler", url.toString());
        }
        return List.of("xdg-open", url.toString());
    }
}
