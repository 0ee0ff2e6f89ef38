package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;

/** What the fuzz tests check of every {@link DiscoveryException} a fetched document can cause. */
final class DiscoveryMessages {

    /**
     * Generous: the fixed words, the URLs, and the excerpts of at most 200 characters that a message may quote. A
     * longer message carries an unbounded piece of the document, which {@link DiscoveryException} promises not to.
     */
    static final int MAX_LENGTH = 1_500;

    private DiscoveryMessages() {}

    /**
     * The message names where the document came from, is bounded, and has no control character: it reaches logs and
     * users, where a line break from a server could forge a line.
     */
    static void assertSafe(DiscoveryException e, String source) {
        String message = e.getMessage();
        assertThat(message).contains(source).hasSizeLessThanOrEqualTo(MAX_LENGTH);
        assertThat(message.chars().filter(Character::isISOControl).count())
                .as("control characters in %s", message)
                .isZero();
    }
}
