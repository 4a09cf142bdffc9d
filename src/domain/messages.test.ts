import { describe, expect, it } from 'vitest';
import { brandedMail, isE164, sms } from './messages.js';

describe('messages', () => {
  it('writes a mail as plain text and HTML, with the TechPass ID and the expiry of its link', () => {
    const mail = brandedMail({
      to: 'a@b.gov.sg',
      subject: 'Hi <there>',
      techpassId: 'ann@techpass.local',
      links: [{ url: 'https://tp.example/x?a=1&b=2', expiresAt: Date.UTC(2026, 0, 2, 3, 4) }],
      lines: ['Hello Ann,', '', 'Open it here:', 'https://tp.example/x?a=1&b=2', '', 'Bye <b>.'],
    });
    expect(mail.text.startsWith('Hello Ann,\n\nOpen it here:\nhttps://tp.example/x?a=1&b=2\n\nBye <b>.\n')).toBe(true);
    expect(mail.text).toContain('your TechPass ID: ann@techpass.local');
    expect(mail.text).toContain('works until 2026-01-02 03:04 UTC');
    expect(mail.html).toContain('<a href="https://tp.example/x?a=1&amp;b=2">');
    expect(mail.html).toContain('Bye &lt;b&gt;.');
    expect(mail.html).toContain('<title>Hi &lt;there&gt;</title>');
    expect(mail.html).not.toContain('<script');
  });

  it('sends SMS to E.164 numbers only', () => {
    expect(isE164('+6591234567')).toBe(true);
    expect(isE164('91234567')).toBe(false);
    expect(isE164('+06591234567')).toBe(false);
    expect(isE164('+65 9123 4567')).toBe(false);
    expect(() => sms('9123 4567', 'x')).toThrow(/E\.164/);
  });
});
