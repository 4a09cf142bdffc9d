/**
 * The provider's outbound calls (back-channel logout, and later any fetch it makes).
 * oidc-provider hands its `fetch` a dispatcher that refuses loopback, private and
 * other special-use addresses (SSRF protection), which is our policy too (DESIGN §4).
 * Only an operator's OUTBOUND_ALLOW_PRIVATE (development, tests) drops that guard.
 */
export function outboundFetch(allowPrivate: boolean): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  if (!allowPrivate) return (input, init) => globalThis.fetch(input, init);
  return (input, init) => {
    const { dispatcher: _guard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
    return globalThis.fetch(input, rest);
  };
}
