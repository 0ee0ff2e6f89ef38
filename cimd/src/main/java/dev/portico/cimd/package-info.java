/**
 * Portico's OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document).
 *
 * <p>When an authorization server advertises {@code client_id_metadata_document_supported}, Portico sends the URL of
 * this document as its {@code client_id}. The server fetches the document, checks that its {@code client_id} equals the
 * URL and that the request's {@code redirect_uri} is among its {@code redirect_uris}, and then treats Portico as a
 * known public client: no registration, no secret.
 *
 * <ul>
 *   <li>{@link dev.portico.cimd.ClientMetadataDocument} builds the document from the {@code oauth} config and the
 *       public URL, renders it, and checks a document (Portico's own, or one hosted elsewhere and named by
 *       {@code oauth.clientMetadataUrl}) for the contradictions an authorization server would refuse.
 *   <li>{@link dev.portico.cimd.ClientMetadataServlet} serves it with caching headers.
 * </ul>
 */
package dev.portico.cimd;
