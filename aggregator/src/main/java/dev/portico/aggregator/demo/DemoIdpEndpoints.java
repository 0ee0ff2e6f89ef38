package dev.portico.aggregator.demo;

import java.net.URI;

/**
 * Where the demo identity provider's parts listen once bound: the front (issuer, metadata, authorize, token, register,
 * revoke)
 * and the mock behind it (authorize, token, JWKS).
 */
record DemoIdpEndpoints(
        int frontPort,
        URI issuer,
        URI metadata,
        URI authorization,
        URI token,
        URI registration,
        URI revocation,
        URI jwks,
        URI mockAuthorization,
        URI mockToken) {

    static final String ISSUER_PATH = "/" + DemoIdentityProvider.ISSUER_PATH;
    /** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
    static final String METADATA_PATH = "/.well-known/oauth-authorization-server" + ISSUER_PATH;

    static final String AUTHORIZE_PATH = ISSUER_PATH + "/authorize";
    static final String TOKEN_PATH = ISSUER_PATH + "/token";
    static final String REGISTER_PATH = ISSUER_PATH + "/register";
    static final String REVOKE_PATH = ISSUER_PATH + "/revoke";

    static DemoIdpEndpoints of(int frontPort, int mockPort) {
        String front = "http://" + DemoIdentityProvider.HOST + ":" + frontPort;
        String mock = "http://" + DemoIdentityProvider.HOST + ":" + mockPort + ISSUER_PATH;
        return new DemoIdpEndpoints(
                frontPort,
                URI.create(front + ISSUER_PATH),
                URI.create(front + METADATA_PATH),
                URI.create(front + AUTHORIZE_PATH),
                URI.create(front + TOKEN_PATH),
                URI.create(front + REGISTER_PATH),
                URI.create(front + REVOKE_PATH),
                URI.create(mock + "/jwks"),
                URI.create(mock + "/authorize"),
                URI.create(mock + "/token"));
    }
}
