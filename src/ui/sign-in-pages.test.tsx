import { describe, expect, it } from 'vitest';
import { renderPage } from './layout.js';
import { IdentifyPage, PasswordPage, RefusedPage } from './sign-in-pages.js';

const f = { action: '/login/uid', csrf: 'token<&>', applicationName: 'Docs <Portal>' };

describe('sign-in pages', () => {
  it('render the primary action as an SGDS primary button and carry the CSRF token', () => {
    const html = renderPage(IdentifyPage({ f }));
    expect(html).toMatch(/<button type="submit" class="btn btn-primary sgds">Next<\/button>/);
    expect(html).toContain('name="csrf" value="token&lt;&amp;&gt;"');
    expect(html).toContain('action="/login/uid/identify"');
  });

  it('escape what applications and people typed', () => {
    const html = renderPage(PasswordPage({ f, login: '<script>alert(1)</script>' }));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Docs &lt;Portal&gt;');
  });

  it('say what happened and what to do when a sign-in is refused', () => {
    const html = renderPage(RefusedPage({ f, refusal: 'not_assigned', correlationId: 'abc-123' }));
    expect(html).toContain('You have not been given access to Docs &lt;Portal&gt;');
    expect(html).toContain('abc-123');
  });
});
