package dev.portico.aggregator.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for sign-in tests: headless Chromium from the Debian packages {@code chromium} and {@code
 * chromium-driver}, driven by Selenium through {@code /usr/bin/chromedriver}.
 *
 * <p>Nothing is downloaded: the driver and the browser binary are named explicitly, so Selenium Manager never runs.
 * The browser can reach loopback only: every other host goes to a proxy that does not exist and its names do not
 * resolve; background networking, component updates, sync and QUIC are off. Each instance has a fresh profile in a
 * temporary directory, deleted on {@link #close}, which also makes sure that no Chromium or chromedriver process it
 * started outlives it.
 *
 * <pre>{@code
 * Chromium.assumeInstalled();
 * try (Chromium chromium = Chromium.start()) {
 *     chromium.driver().get(url);
 *     String text = chromium.waitForText(By.tagName("h1"), "Signed in");
 * }
 * }</pre>
 *
 * <p>For one test thread at a time.
 */
public final class Chromium implements AutoCloseable {

    /** The browser: {@code /usr/bin/chromium} (Debian), or the system property {@code portico.chromium}. */
    public static final Path BINARY = Path.of(System.getProperty("portico.chromium", "/usr/bin/chromium"));

    /** The driver: {@code /usr/bin/chromedriver} (Debian), or the system property {@code portico.chromedriver}. */
    public static final Path DRIVER = Path.of(System.getProperty("portico.chromedriver", "/usr/bin/chromedriver"));

    /** Set to {@code required} (as {@code .ci/run} does) to fail, rather than skip, when Chromium is missing. */
    public static final String REQUIRED_VARIABLE = "PORTICO_BROWSER_TESTS";

    /** How long {@link #waitFor} waits for a page to show what is expected. */
    public static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

    /*
     * Where every non-loopback request goes: the discard port on loopback, where nothing listens, so such requests
     * fail at once. Chromium never sends loopback addresses through a proxy.
     */
    private static final String NO_PROXY = "http://127.0.0.1:9";

    /*
     * Selenium looks for a DevTools (CDP) binding matching the browser's version at every start and warns through
     * java.util.logging when the Debian browser is newer than the bindings; these tests use WebDriver only. JUL holds
     * loggers weakly, so the configured one is kept here.
     */
    private static final Logger CDP_LOG = quietCdpLog();

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final Set<ProcessHandle> processes = ConcurrentHashMap.newKeySet();

    private Chromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Skips the calling test when Chromium or chromedriver is missing, with the command that installs them; fails it
     * instead when {@value #REQUIRED_VARIABLE} is {@code required}.
     */
    public static void assumeInstalled() {
        if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
            return;
        }
        String message = "Chromium is not installed (" + BINARY + " and " + DRIVER + " are needed). Install it with"
                + " `apt-get install -y --no-install-recommends chromium chromium-driver` (Debian/Ubuntu, as root)";
        if ("required".equals(System.getenv(REQUIRED_VARIABLE))) {
            Assertions.fail(message + "; " + REQUIRED_VARIABLE + "=required, so the browser tests must run.");
        }
        Assumptions.abort(message + ", or see docs/oauth.md.");
    }

    /** Starts chromedriver and a headless Chromium with a fresh profile. */
    public static Chromium start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("portico-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a Chromium profile directory", e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                // Chromium's crash-report and settings folders go into the profile, not the user's home.
                .withEnvironment(Map.of(
                        "XDG_CONFIG_HOME", profile.resolve("config").toString(),
                        "XDG_CACHE_HOME", profile.resolve("cache").toString()))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox", // the tests may run as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-breakpad",
                "--disable-features=OptimizationHints,MediaRouter,Translate",
                "--proxy-server=" + NO_PROXY,
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
                "--user-data-dir=" + profile);
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            List<ProcessHandle> started = ProcessHandle.current()
                    .descendants()
                    .filter(Chromium::isBrowserProcess)
                    .toList();
            service.stop();
            started.forEach(ProcessHandle::destroyForcibly);
            deleteQuietly(profile);
            throw e;
        }
        Chromium chromium = new Chromium(service, driver, profile);
        chromium.recordProcesses();
        driver.manage().timeouts().pageLoadTimeout(PAGE_TIMEOUT);
        return chromium;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Waits until {@code locator} shows {@code expected} within its visible text, then returns that text. */
    public String waitFor(By locator, String expected) {
        new WebDriverWait(driver, PAGE_TIMEOUT)
                .withMessage(() -> "waiting for \"" + expected + "\" in " + locator + " at " + driver.getCurrentUrl()
                        + "; the page says: " + pageText())
                .until(ExpectedConditions.textToBePresentInElementLocated(locator, expected));
        return driver.findElement(locator).getText();
    }

    /** The visible text of the page's body, or a note that there is none. */
    public String pageText() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(no page text: " + e.getMessage() + ")";
        }
    }

    /**
     * Quits the browser and chromedriver, waits until every process they started has ended (ending forcibly, by
     * process id, any that linger), and deletes the profile.
     *
     * @throws IllegalStateException if a process had to be ended forcibly
     */
    @Override
    public void close() {
        recordProcesses();
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // The processes are checked below whatever quit did.
        } finally {
            service.stop();
        }
        List<ProcessHandle> lingering = List.of();
        try {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
        } catch (ConditionTimeoutException e) {
            lingering = processes.stream().filter(ProcessHandle::isAlive).toList();
            lingering.forEach(ProcessHandle::destroyForcibly);
        }
        deleteQuietly(profile);
        if (!lingering.isEmpty()) {
            throw new IllegalStateException("browser processes outlived the browser and were ended: "
                    + lingering.stream().map(Chromium::describe).collect(Collectors.joining(", ")));
        }
    }

    /** The processes started under this JVM for chromedriver and Chromium, alive or not, as seen so far. */
    public Set<ProcessHandle> processes() {
        recordProcesses();
        return Set.copyOf(processes);
    }

    /*
     * Chromium's processes are chromedriver's descendants, and chromedriver is this JVM's child, so they are found
     * from here while chromedriver runs; once it is gone they may be reparented, so they are recorded before.
     */
    private void recordProcesses() {
        ProcessHandle.current().descendants().filter(Chromium::isBrowserProcess).forEach(processes::add);
    }

    private static boolean isBrowserProcess(ProcessHandle process) {
        String command = process.info().command().orElse("");
        return command.contains("chromium") || command.contains("chromedriver");
    }

    private static String describe(ProcessHandle process) {
        return process.pid() + " " + process.info().command().orElse("?");
    }

    private static Logger quietCdpLog() {
        Logger logger = Logger.getLogger("org.openqa.selenium.devtools");
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
