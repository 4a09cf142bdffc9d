/**
 * What TechPass sends people: branded e-mail (plain text and HTML from the same
 * lines) and SMS (to E.164 numbers only).
 *
 * A mail states the TechPass ID it is about, and each link it carries with when that
 * link stops working; the plain text is the lines as written, then a footer; the HTML
 * is the same lines, escaped, with the links made clickable.
 */

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface OutgoingSms {
  to: string;
  text: string;
}

export interface MailLink {
  url: string;
  /** When the link stops working (ms since the epoch); absent for a link that does not expire. */
  expiresAt?: number;
}

export interface BrandedMailInput {
  to: string;
  subject: string;
  /** The body, line by line (an empty line separates paragraphs); the links appear in it as they are. */
  lines: string[];
  /** The TechPass ID the message is about. */
  techpassId: string;
  /** The links of the message that work for a while, to state their expiry in the footer. */
  links?: MailLink[];
}

const BRAND = 'TechPass';

/** A mail in both forms, with the TechPass footer (the ID, and each expiring link's end). */
export function brandedMail(input: BrandedMailInput): OutgoingMail {
  const expiring = (input.links ?? []).filter((l): l is Required<MailLink> => l.expiresAt !== undefined);
  const footer = [
    `${BRAND} · your TechPass ID: ${input.techpassId}`,
    ...expiring.map((l) =>
      expiring.length === 1 ? `The link above works until ${utc(l.expiresAt)}.` : `The link ${l.url} works until ${utc(l.expiresAt)}.`,
    ),
  ];
  const text = [...input.lines, '', '—', ...footer].join('\n');
  const paragraphs = splitParagraphs(input.lines)
    .map((p) => `<p style="margin:0 0 16px">${p.map(linkify).join('<br>')}</p>`)
    .join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a">',
    '<div style="max-width:600px;margin:0 auto;background:#ffffff;border-top:4px solid #5925dc;padding:24px">',
    `<div style="font-size:20px;font-weight:bold;color:#5925dc;margin-bottom:16px">${BRAND}</div>`,
    paragraphs,
    `<hr style="border:0;border-top:1px solid #ddd;margin:24px 0 12px">`,
    ...footer.map((line) => `<p style="margin:0 0 4px;font-size:12px;color:#555">${linkify(line)}</p>`),
    '</div></body></html>',
  ].join('\n');
  return { to: input.to, subject: input.subject, text, html };
}

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export function isE164(number: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(number);
}

/** An SMS to an E.164 number; throws on any other number (a caller's bug, never a person's input). */
export function sms(to: string, text: string): OutgoingSms {
  if (!isE164(to)) throw new Error(`an SMS goes to an E.164 number (+ and up to 15 digits), not ${JSON.stringify(to)}`);
  return { to, text };
}

export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function splitParagraphs(lines: string[]): string[][] {
  const out: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') {
      if (out[out.length - 1]!.length) out.push([]);
    } else out[out.length - 1]!.push(line);
  }
  return out.filter((p) => p.length > 0);
}

/** Escapes a line and makes its http(s) URLs links (a trailing full stop or comma stays text). */
function linkify(line: string): string {
  return line
    .split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/)
    .map((part, i) => (i % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part)))
    .join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
