-- The OAuth broker's state, shared by Portico's replicas.
-- Secrets (states, verifiers, tokens, client secrets, owner ids, authorization URLs that carry a state) are stored
-- only as AES-256-GCM envelopes (bytea: version, key id, nonce, ciphertext and tag); lookups go through SHA-256
-- hashes (hex) of the values, never the values.

CREATE TABLE portico_sign_ins (
    state_hash        text        PRIMARY KEY,
    start_hash        text        NOT NULL UNIQUE,
    owner_hash        text        NOT NULL,
    upstream          text        NOT NULL,
    flow_id           text        NOT NULL,
    state_enc         bytea       NOT NULL,
    start_id_enc      bytea       NOT NULL,
    owner_enc         bytea       NOT NULL,
    verifier_enc      bytea       NOT NULL,
    authorization_url_enc bytea   NOT NULL,
    client_secret_enc bytea,
    -- The non-secret rest: the sign-in target (upstream, endpoints, client id, scopes) and the times Portico gave it.
    details           jsonb       NOT NULL,
    redirect_uri      text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- When the sign-in expires, by the database's clock: its now() at insert plus the sign-in's time to live.
    expires_at        timestamptz NOT NULL,
    -- SHA-256 of the browser-binding cookie, once a browser opened the start link.
    browser_binding   text
);

CREATE INDEX portico_sign_ins_owner ON portico_sign_ins (owner_hash, upstream);
CREATE INDEX portico_sign_ins_expiry ON portico_sign_ins (expires_at);

CREATE SEQUENCE portico_token_order;

CREATE TABLE portico_tokens (
    owner_hash        text        NOT NULL,
    issuer            text        NOT NULL,
    -- The granted scopes, sorted and joined by single spaces.
    scopes            text        NOT NULL,
    -- The RFC 8707 resource, or '' for a set bound to none.
    resource          text        NOT NULL,
    access_token_enc  bytea       NOT NULL,
    access_token_hash text        NOT NULL,
    refresh_token_enc bytea,
    expires_at        timestamptz,
    client_id         text        NOT NULL,
    -- Higher is stored later: find answers the most recent first.
    stored_order      bigint      NOT NULL,
    PRIMARY KEY (owner_hash, issuer, scopes, resource)
);

CREATE TABLE portico_client_registrations (
    issuer            text        NOT NULL,
    redirect_uri      text        NOT NULL,
    client_id         text        NOT NULL,
    auth_method       text        NOT NULL,
    client_secret_enc bytea,
    secret_expires_at timestamptz,
    registered_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, redirect_uri)
);
