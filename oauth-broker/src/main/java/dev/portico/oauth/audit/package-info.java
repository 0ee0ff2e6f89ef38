/**
 * The audit trail of sign-ins: one structured line per authentication event on the SLF4J logger {@code
 * portico.audit}, for operators who need to know who signed in where, and why a sign-in failed, without ever seeing
 * a credential.
 */
package dev.portico.oauth.audit;
