package dev.portico.oauth.challenge;

import java.util.List;
import java.util.Objects;

/**
 * What {@link WwwAuthenticate#parse(List)} found: the challenges, or why there are none to trust.
 *
 * <p>A value rather than an exception so that a caller on the hot path of an upstream 401 can branch without a
 * try/catch; {@link #challengesOrThrow()} converts to the checked form.
 */
public sealed interface WwwAuthenticateParseResult {

    /** The challenges, or the typed exception for the error. */
    List<WwwAuthenticateChallenge> challengesOrThrow() throws WwwAuthenticateParseException;

    /** Every challenge of every value, in the order sent; never empty. */
    record Parsed(List<WwwAuthenticateChallenge> challenges) implements WwwAuthenticateParseResult {
        public Parsed {
            challenges = List.copyOf(challenges);
            if (challenges.isEmpty()) {
                throw new IllegalArgumentException("a parsed field has at least one challenge");
            }
        }

        @Override
        public List<WwwAuthenticateChallenge> challengesOrThrow() {
            return challenges;
        }
    }

    /** The first syntax error found; nothing of the field is reported, because a partial reading could mislead. */
    record Malformed(WwwAuthenticateParseError error) implements WwwAuthenticateParseResult {
        public Malformed {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public List<WwwAuthenticateChallenge> challengesOrThrow() throws WwwAuthenticateParseException {
            throw new WwwAuthenticateParseException(error);
        }
    }
}
