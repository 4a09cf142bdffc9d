import { describe, expect, it } from 'vitest';
import { parseHeader, renderSmsBody } from './sms.js';

describe('SMS gateway body and header', () => {
  it('fills {to} and {text} JSON-escaped, so a JSON template stays JSON', () => {
    const body = renderSmsBody('{"to":"{to}","msg":"{text}","again":"{to}"}', { to: '+6581234567', text: 'a "b"\\c\nd {to}' });
    expect(JSON.parse(body)).toEqual({ to: '+6581234567', msg: 'a "b"\\c\nd {to}', again: '+6581234567' });
  });

  it('reads Name: value', () => {
    expect(parseHeader('Authorization: Bearer x y')).toEqual(['Authorization', 'Bearer x y']);
    expect(parseHeader('no header')).toBeNull();
  });
});
