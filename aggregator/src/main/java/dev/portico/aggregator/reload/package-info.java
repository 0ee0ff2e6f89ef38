/**
 * Live config reload: Portico follows changes of the config file it was started from.
 *
 * <p>{@link dev.portico.aggregator.reload.ConfigFileWatcher} notices that the file may have changed (a directory
 * event, or a periodic look for file systems that send none); {@link dev.portico.aggregator.reload.ConfigReloader}
 * then reads it, and only if its content differs from what was last read, loads and validates it with the startup
 * loader and hands a valid config to {@link dev.portico.aggregator.Portico#reconfigure}, which applies the upstream
 * changes to every session. SIGHUP asks the reloader for a reload whatever the content. Reloads run one at a time.
 */
package dev.portico.aggregator.reload;
