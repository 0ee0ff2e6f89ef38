package dev.portico.aggregator.cli;

/**
 * Lets the JDK keep enough idle connections to each upstream for Portico's direct tool calls, which go out over
 * {@code HttpURLConnection} on the thread serving the call (docs/performance.md). Its keep-alive cache holds 5 idle
 * connections per host and port unless {@code http.maxConnections} says otherwise, read once when the cache is first
 * used; with more calls in flight to one upstream every call beyond the fifth would open a connection and leave it in
 * TIME_WAIT, thousands a second under load. One per Jetty worker thread is the most that can be in use at once. Must
 * run before the first upstream call; an explicit {@code -Dhttp.maxConnections} wins.
 */
final class KeepAliveConnections {

    static final String PROPERTY = "http.maxConnections";

    /** The Jetty thread pool's size ({@code HttpMcpServer}): at most one blocking call per thread. */
    static final int PER_UPSTREAM = 200;

    private KeepAliveConnections() {}

    static void ensure() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, Integer.toString(PER_UPSTREAM));
        }
    }
}
