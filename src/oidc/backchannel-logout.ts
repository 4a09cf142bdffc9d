/**
 * Back-channel logout outside a provider request: when an account's sessions end
 * everywhere (a password reset, an MFA reset, a fraud report…), the applications those
 * sessions signed in to and that registered a back-channel logout URI get a logout token,
 * signed and posted by the provider as its own /logout would (OpenID Back-Channel Logout 1.0).
 */
import type Provider from 'oidc-provider';

/** Posts the logout token; answers false when the application registered no back-channel URI. */
export function backchannelLogoutSender(current: () => Provider) {
  return async (clientId: string, accountId: string, sid: string): Promise<boolean> => {
    // oidc-provider's types leave out the Client's backchannelLogout(sub, sid) (lib/models/client.js).
    const client = (await current().Client.find(clientId)) as
      { backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string): Promise<void> } | undefined;
    if (!client?.backchannelLogoutUri) return false;
    await client.backchannelLogout(accountId, sid);
    return true;
  };
}
