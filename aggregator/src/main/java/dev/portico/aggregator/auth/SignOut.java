package dev.portico.aggregator.auth;

import java.util.List;

/**
 * What a sign-out did for one owner.
 *
 * @param issuers the authorization servers whose tokens were dropped; empty when the owner held none
 * @param upstreams every upstream that relied on those issuers, which must now reconnect without the tokens
 * @param problems revocations the authorization server refused or could not be reached for; the tokens are dropped
 *     all the same
 */
public record SignOut(List<String> issuers, List<String> upstreams, List<String> problems) {

    public static final SignOut NOTHING = new SignOut(List.of(), List.of(), List.of());

    public SignOut {
        issuers = List.copyOf(issuers);
        upstreams = List.copyOf(upstreams);
        problems = List.copyOf(problems);
    }
}
