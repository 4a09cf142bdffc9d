/**
 * Sending SMS, behind one interface with two providers:
 *
 *   - the embedded outbox (no SMS_GATEWAY_URL): nothing leaves; the message stays in
 *     the outbox, shown by `techpass outbox` and, in embedded mode, /dev/outbox;
 *   - a generic HTTP gateway: a POST to SMS_GATEWAY_URL with the header
 *     SMS_GATEWAY_AUTH_HEADER (`Name: value`) and the body SMS_GATEWAY_BODY, whose
 *     {to} and {text} are replaced by the number and the text, JSON-escaped (so a
 *     JSON template stays JSON). A 2xx answer is a delivery; anything else, or no
 *     answer within 10 s, is a failure tried again later. The outbox id goes along
 *     as Idempotency-Key, for gateways that recognise a message sent twice.
 *
 * The gateway is configured by the operator, so it may be on a private network.
 */

export interface SmsTransport {
  readonly provider: 'http-gateway';
  send(message: { id: string; to: string; text: string }): Promise<void>;
}

export type SmsProvider = { provider: 'outbox' } | SmsTransport;

export interface SmsGatewaySettings {
  url: string;
  /** `Name: value`, e.g. `Authorization: Bearer …`. */
  authHeader?: string;
  /** The body template, with {to} and {text}. */
  body: string;
  contentType?: string;
  timeoutMs?: number;
}

export const DEFAULT_SMS_BODY = '{"to":"{to}","text":"{text}"}';

/** The body for one message: {to} and {text} replaced, JSON-escaped (without the quotes). */
export function renderSmsBody(template: string, values: { to: string; text: string }): string {
  const escape = (value: string) => JSON.stringify(value).slice(1, -1);
  return template.replace(/\{(to|text)\}/g, (_, key: 'to' | 'text') => escape(values[key]));
}

/** Splits `Name: value`; answers null for anything else. */
export function parseHeader(line: string): [string, string] | null {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.+)$/.exec(line.trim());
  return match ? [match[1]!, match[2]!] : null;
}

export function httpSmsGateway(settings: SmsGatewaySettings): SmsTransport {
  const header = settings.authHeader ? parseHeader(settings.authHeader) : null;
  if (settings.authHeader && !header) throw new Error('SMS_GATEWAY_AUTH_HEADER must read `Name: value`');
  return {
    provider: 'http-gateway',
    async send(message) {
      const response = await fetch(settings.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
        headers: {
          'content-type': settings.contentType ?? 'application/json',
          'idempotency-key': message.id,
          ...(header ? { [header[0]]: header[1] } : {}),
        },
        body: renderSmsBody(settings.body, message),
      });
      // The answer's body is not needed; drain it so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status > 299) throw new Error(`the SMS gateway answered ${response.status}`);
    },
  };
}

/** The provider the configuration names: the gateway when SMS_GATEWAY_URL is set, the embedded outbox otherwise. */
export function smsProvider(config: {
  SMS_GATEWAY_URL?: string | undefined;
  SMS_GATEWAY_AUTH_HEADER?: string | undefined;
  SMS_GATEWAY_BODY: string;
  SMS_GATEWAY_CONTENT_TYPE: string;
}): SmsProvider {
  if (!config.SMS_GATEWAY_URL) return { provider: 'outbox' };
  return httpSmsGateway({
    url: config.SMS_GATEWAY_URL,
    body: config.SMS_GATEWAY_BODY,
    contentType: config.SMS_GATEWAY_CONTENT_TYPE,
    ...(config.SMS_GATEWAY_AUTH_HEADER ? { authHeader: config.SMS_GATEWAY_AUTH_HEADER } : {}),
  });
}
