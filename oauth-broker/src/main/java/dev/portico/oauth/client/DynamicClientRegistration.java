package dev.portico.oauth.client;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One RFC 7591 registration of Portico at an authorization server's {@code registration_endpoint}.
 *
 * <p>Portico registers as a public client ({@code token_endpoint_auth_method=none}, PKCE only), because it holds no
 * secret worth protecting for a server it met a moment ago. A server whose {@code
 * token_endpoint_auth_methods_supported} (RFC 8414 §2) lacks {@code none} gets a confidential registration instead,
 * with the secret it returns. Every outcome other than a usable client is a {@link RegistrationFailure} that says
 * precisely what the server answered.
 *
 * <p>Safe for concurrent use; it keeps no state. Caching is {@link ClientRegistry}'s job.
 */
final class DynamicClientRegistration {

    private static final String NONE = ClientAuthMethod.NONE.configName();
    private static final String BASIC = ClientAuthMethod.CLIENT_SECRET_BASIC.configName();
    private static final String POST = ClientAuthMethod.CLIENT_SECRET_POST.configName();

    private final PorticoClient portico;
    private final HTTPRequestSender sender;

    DynamicClientRegistration(PorticoClient portico, HTTPRequestSender sender) {
        this.portico = Objects.requireNonNull(portico, "portico");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /** Registers at the server's {@code registration_endpoint}, which the caller has checked is present. */
    RegisteredClient register(AuthorizationServerMetadata server) throws RegistrationFailure {
        URI endpoint = Objects.requireNonNull(server.getRegistrationEndpointURI(), "registration_endpoint");
        ClientAuthMethod requested = chooseAuthMethod(server.getTokenEndpointAuthMethods());
        URI redirectUri = portico.redirectUri().get();
        ClientRegistrationRequest request =
                new ClientRegistrationRequest(endpoint, metadata(redirectUri, requested), null);
        HTTPResponse response = send(endpoint, request);
        ClientRegistrationResponse parsed = parse(response);
        if (!parsed.indicatesSuccess()) {
            throw new RegistrationFailure(describeError(response, parsed.toErrorResponse()));
        }
        return toRegisteredClient(parsed.toSuccessResponse().getClientInformation(), requested, redirectUri);
    }

    /**
     * {@code none} when the server lists it or lists nothing (the MCP case: a public client with PKCE); otherwise a
     * secret-based method the server lists, {@code client_secret_basic} first as RFC 6749 §2.3.1 requires servers to
     * support it.
     */
    static ClientAuthMethod chooseAuthMethod(List<ClientAuthenticationMethod> supported) throws RegistrationFailure {
        if (supported == null || supported.isEmpty()) {
            return ClientAuthMethod.NONE;
        }
        Set<String> names = supported.stream()
                .map(ClientAuthenticationMethod::getValue)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (names.contains(NONE)) {
            return ClientAuthMethod.NONE;
        }
        if (names.contains(BASIC)) {
            return ClientAuthMethod.CLIENT_SECRET_BASIC;
        }
        if (names.contains(POST)) {
            return ClientAuthMethod.CLIENT_SECRET_POST;
        }
        throw new RegistrationFailure("its token_endpoint_auth_methods_supported "
                + ServerText.forMessage(names.toString())
                + " lists none of the methods Portico can use (none, client_secret_basic, client_secret_post)");
    }

    private ClientMetadata metadata(URI redirectUri, ClientAuthMethod method) {
        ClientMetadata metadata = new ClientMetadata();
        metadata.setRedirectionURI(redirectUri);
        metadata.setGrantTypes(new LinkedHashSet<>(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)));
        metadata.setResponseTypes(Set.of(ResponseType.CODE));
        metadata.setTokenEndpointAuthMethod(ClientAuthenticationMethod.parse(method.configName()));
        metadata.setName(portico.clientName());
        portico.clientUri().ifPresent(metadata::setURI);
        return metadata;
    }

    private HTTPResponse send(URI endpoint, ClientRegistrationRequest request) throws RegistrationFailure {
        try {
            return request.toHTTPRequest().send(sender);
        } catch (IOException e) {
            throw new RegistrationFailure(
                    "could not reach the registration endpoint " + endpoint + ": " + describe(e), e);
        } catch (RuntimeException e) {
            // The sender is pluggable; whatever it throws becomes a typed failure rather than escaping a sign-in.
            throw new RegistrationFailure(
                    "the request to the registration endpoint " + endpoint + " failed: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    /** Many I/O exceptions (a refused connection, a timeout) carry no message; their type is then the message. */
    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : ServerText.forMessage(message);
    }

    private static ClientRegistrationResponse parse(HTTPResponse response) throws RegistrationFailure {
        try {
            return ClientRegistrationResponse.parse(response);
        } catch (ParseException e) {
            throw new RegistrationFailure(describeUnparsable(response, e), e);
        }
    }

    private static String describeUnparsable(HTTPResponse response, ParseException e) {
        int status = response.getStatusCode();
        if (status != HTTPResponse.SC_OK && status != HTTPResponse.SC_CREATED) {
            return "HTTP " + status + " with a malformed WWW-Authenticate header";
        }
        ContentType type = response.getEntityContentType();
        if (type == null || !type.matches(ContentType.APPLICATION_JSON)) {
            return "HTTP " + status + " but the body is not JSON (Content-Type: "
                    + ServerText.forMessage(String.valueOf(response.getHeaderValue("Content-Type"))) + ")";
        }
        String message = String.valueOf(e.getMessage());
        // A JSON syntax error may quote a piece of the body, and a success body holds the client secret.
        if (message.startsWith("Invalid JSON")) {
            return "HTTP " + status + " but the body is not a valid JSON object";
        }
        return "HTTP " + status + " but the body is not RFC 7591 client information: " + ServerText.forMessage(message);
    }

    private static String describeError(HTTPResponse response, ClientRegistrationErrorResponse error) {
        StringBuilder detail = new StringBuilder("HTTP ").append(response.getStatusCode());
        ErrorObject object = error.getErrorObject();
        if (object == null || object.getCode() == null) {
            ContentType type = response.getEntityContentType();
            detail.append(" without an RFC 7591 error object");
            if (type != null) {
                detail.append(" (Content-Type: ").append(type.getType()).append(')');
            }
            return detail.toString();
        }
        detail.append(", error ").append(ServerText.forMessage(object.getCode()));
        if (object.getDescription() != null && !object.getDescription().isBlank()) {
            detail.append(": ").append(ServerText.forMessage(object.getDescription()));
        }
        return detail.toString();
    }

    private static RegisteredClient toRegisteredClient(
            ClientInformation information, ClientAuthMethod requested, URI redirectUri) throws RegistrationFailure {
        ClientMetadata registered = information.getMetadata();
        Set<URI> redirectUris = registered.getRedirectionURIs();
        // RFC 7591 §3.2.1 lets the server change what was asked for; a client without our callback cannot sign in.
        if (redirectUris != null && !redirectUris.isEmpty() && !redirectUris.contains(redirectUri)) {
            throw new RegistrationFailure("the server registered redirect_uris "
                    + ServerText.forMessage(redirectUris.toString()) + " instead of Portico's " + redirectUri);
        }
        ClientAuthMethod method = registeredMethod(registered.getTokenEndpointAuthMethod(), requested);
        if (method == ClientAuthMethod.NONE) {
            return new RegisteredClient(
                    ClientIdentity.publicClient(information.getID(), ClientIdentity.Source.DYNAMIC_REGISTRATION),
                    Optional.empty());
        }
        com.nimbusds.oauth2.sdk.auth.Secret secret = information.getSecret();
        if (secret == null) {
            throw new RegistrationFailure(
                    "the server registered a " + method.configName() + " client but returned no client_secret");
        }
        ClientIdentity identity = new ClientIdentity(
                information.getID(),
                Optional.of(Secret.of(secret.getValue())),
                method,
                ClientIdentity.Source.DYNAMIC_REGISTRATION);
        return new RegisteredClient(
                identity, Optional.ofNullable(secret.getExpirationDate()).map(date -> date.toInstant()));
    }

    private static ClientAuthMethod registeredMethod(ClientAuthenticationMethod registered, ClientAuthMethod requested)
            throws RegistrationFailure {
        if (registered == null) {
            return requested;
        }
        Optional<ClientAuthMethod> method = ClientAuthMethod.fromConfigName(registered.getValue());
        if (method.isEmpty()) {
            throw new RegistrationFailure("the server registered token_endpoint_auth_method "
                    + ServerText.forMessage(registered.getValue()) + ", which Portico does not support");
        }
        return method.get();
    }
}
