/**
 * /dev/outbox: the newest mail and SMS of an embedded TechPass, for the person running
 * it on their own machine, so a sign-up or a reset can be finished in the browser
 * without a mail server. Links in the messages are clickable; the rest is text.
 */
import type { ReactNode } from 'react';
import { Layout } from './layout.js';

export interface DevOutboxMessage {
  id: string;
  channel: 'mail' | 'sms';
  to: string;
  subject: string;
  text: string;
  createdAt: number;
  sentAt: number | null;
}

const URL_PATTERN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/;

/** The text with its http(s) URLs as links (React escapes the rest). */
function withLinks(text: string): ReactNode[] {
  return text.split(URL_PATTERN).map((part, i) =>
    i % 2 === 1 ? (
      <a key={i} href={part} data-testid="outbox-link">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export function DevOutboxPage({ messages }: { messages: DevOutboxMessage[] }) {
  return (
    <Layout title="Local outbox" wide>
      <h1>Local outbox</h1>
      <p className="tp-sub">
        This TechPass runs embedded: it sends no e-mail or SMS, and keeps them here instead (also <code>npx techpass outbox</code>). Newest first.
      </p>
      {messages.length === 0 ? <p>The outbox is empty.</p> : null}
      {messages.map((m) => (
        <article key={m.id} className="border-top pt-3 mt-3" data-testid="outbox-message" data-channel={m.channel}>
          <p className="mb-1">
            <strong>{m.channel === 'sms' ? 'SMS' : 'E-mail'}</strong> to <span data-testid="outbox-to">{m.to}</span> ·{' '}
            {new Date(m.createdAt).toISOString().slice(0, 19).replace('T', ' ')} UTC
          </p>
          {m.channel === 'mail' ? <h2 className="h6">{m.subject}</h2> : null}
          <pre className="tp-mail-text">{withLinks(m.text)}</pre>
        </article>
      ))}
    </Layout>
  );
}
