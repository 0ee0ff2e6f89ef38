package dev.portico.aggregator.leaks;

/**
 * One logging event as text: the formatted message, its MDC and key-value pairs, and the full text of its throwable
 * (message, causes, suppressed exceptions, stack frames).
 *
 * @param logger the logger's name
 * @param level the event's level
 * @param text everything the event could print
 */
record CapturedLine(String logger, String level, String text) {}
