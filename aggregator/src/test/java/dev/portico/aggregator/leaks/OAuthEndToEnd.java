package dev.portico.aggregator.leaks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an OAuth end-to-end test class: it runs with every logger at TRACE, and fails if a secret of the run or a full
 * session id reached a log line or an exception ({@link SecretLeakCheck}). Its fixtures must tell {@link
 * WitnessedSecrets} what they saw; {@code SignInWorld} does.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SecretLeakCheck.class)
public @interface OAuthEndToEnd {}
