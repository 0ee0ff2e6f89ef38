package dev.portico.aggregator.demo;

import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The settings of a {@link DemoIdentityProvider}, as its builder collected them. */
record DemoIdpOptions(
        int port,
        String defaultSubject,
        boolean advertiseS256,
        boolean clientIdMetadataDocuments,
        boolean dynamicRegistration,
        boolean authorizationResponseIss,
        boolean interactiveLogin,
        List<String> scopes,
        Duration tokenLifetime,
        List<Client> clients,
        List<DemoIdentityProvider> trustedSubjectIssuers,
        boolean revocation,
        Set<String> withheldScopes) {

    DemoIdpOptions {
        scopes = List.copyOf(scopes);
        clients = List.copyOf(clients);
        trustedSubjectIssuers = List.copyOf(trustedSubjectIssuers);
        withheldScopes = Set.copyOf(withheldScopes);
    }
}
