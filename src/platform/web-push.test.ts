import { describe, expect, it } from 'vitest';
import { endpointAllowed } from './web-push.js';

describe('Web Push endpoints', () => {
  it('accepts https push services at public addresses only', () => {
    expect(endpointAllowed('https://fcm.googleapis.com/fcm/send/abc', false)).toBe(true);
    expect(endpointAllowed('https://updates.push.services.mozilla.com/wpush/v2/abc', false)).toBe(true);
    for (const endpoint of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://127.0.0.1/push',
      'https://10.1.2.3/push',
      'https://192.168.0.10/push',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/push',
      'https://[fd00::1]/push',
      'https://localhost/push',
      'https://metadata.google.internal/push',
      'https://user:pass@fcm.googleapis.com/x',
      'not a url',
      'file:///etc/passwd',
    ]) {
      expect(endpointAllowed(endpoint, false), endpoint).toBe(false);
    }
  });

  it('accepts loopback and http only when OUTBOUND_ALLOW_PRIVATE says so, and never other schemes', () => {
    expect(endpointAllowed('http://127.0.0.1:8080/push', true)).toBe(true);
    expect(endpointAllowed('file:///etc/passwd', true)).toBe(false);
  });
});
