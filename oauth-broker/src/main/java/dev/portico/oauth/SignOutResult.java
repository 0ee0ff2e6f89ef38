package dev.portico.oauth;

import java.util.List;

/**
 * What {@link OAuthBroker#signOut} did.
 *
 * @param issuers the issuers whose tokens were dropped, sorted; empty when the owner held none of the ones asked for
 * @param upstreams the names of every upstream known to authorize at one of those issuers, sorted: their connections
 *     for the owner still carry a dropped token and are to be closed
 * @param problems one sentence per revocation that failed (the tokens are dropped locally all the same), free of
 *     secrets; empty when every revocation succeeded or the authorization server offers none
 */
public record SignOutResult(List<String> issuers, List<String> upstreams, List<String> problems) {

    public SignOutResult {
        issuers = List.copyOf(issuers);
        upstreams = List.copyOf(upstreams);
        problems = List.copyOf(problems);
    }
}
