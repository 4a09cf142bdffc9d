/**
 * How the HTTP layer tells the provider (a Koa application) where a request came
 * from, so that both see the one answer the HTTP layer computed (http/client-address.ts):
 * the front of the server pins these request headers on every request, overwriting
 * whatever the client sent, and the provider reads them with `proxy` on.
 *
 *   x-forwarded-proto, x-forwarded-host   PUBLIC_URL's scheme and host: the URLs the provider
 *                                         makes (discovery, redirects, forms) never follow a
 *                                         client's Host or X-Forwarded-Host
 *   CLIENT_ADDRESS_HEADER                 the client address (Koa's proxyIpHeader)
 */
export const CLIENT_ADDRESS_HEADER = 'x-techpass-client-address';
