/**
 * A minimal browser over fetch: a cookie jar, redirects followed by hand (so a
 * test sees where it is sent), and forms read from the HTML and posted as a
 * browser would. For interop tests without a real browser.
 */
export class HttpBrowser {
  readonly cookies = new Map<string, string>();

  /** `headers` go with every request (e.g. the X-Forwarded-For a proxy adds). */
  constructor(readonly headers: Record<string, string> = {}) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...this.headers,
        cookie: this.header(),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    this.remember(res);
    return res;
  }

  /**
   * Follows redirects from `url` until a page answers, or until a redirect leaves
   * for a URL `stop` accepts (e.g. the application's redirect URI); answers the last
   * response and the URL it came from (or the URL it pointed to when stopped).
   */
  async follow(url: string, init: { form?: Record<string, string> } = {}, stop: (url: string) => boolean = () => false): Promise<Page> {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; res.status >= 300 && res.status < 400; hops += 1) {
      if (hops > 20) throw new Error(`too many redirects from ${url}`);
      const next = new URL(res.headers.get('location')!, current).toString();
      await res.arrayBuffer();
      if (stop(next)) return { url: next, status: res.status, html: '', stopped: true, headers: res.headers };
      current = next;
      res = await this.request(current);
    }
    return { url: current, status: res.status, html: await res.text(), stopped: false, headers: res.headers };
  }
}

export interface Page {
  url: string;
  status: number;
  html: string;
  stopped: boolean;
  /** The headers of the response the page came from. */
  headers?: Headers;
}

export const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The forms of a page: action and hidden fields, in document order. */
export function forms(page: Page): Array<{ action: string; fields: Record<string, string> }> {
  const found: Array<{ action: string; fields: Record<string, string> }> = [];
  for (const m of page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = /action="([^"]*)"/.exec(m[1]!)?.[1];
    if (!action) continue;
    const fields: Record<string, string> = {};
    for (const input of m[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1]!)?.[1];
      const value = /value="([^"]*)"/.exec(input[1]!)?.[1];
      if (name && /type="hidden"/.test(input[1]!)) fields[name] = decode(value ?? '');
    }
    found.push({ action: new URL(decode(action), page.url).toString(), fields });
  }
  return found;
}

/** The form whose action ends with `suffix` (e.g. "/password"); throws with the page text otherwise. */
export function form(page: Page, suffix: string): { action: string; fields: Record<string, string> } {
  const match = forms(page).find((f) => new URL(f.action).pathname.endsWith(suffix));
  if (!match) throw new Error(`no form ending in ${suffix} on ${page.url} (${page.status}):\n${text(page).slice(0, 600)}`);
  return match;
}

/** The visible text of a page, roughly: for assertions on messages. */
export function text(page: Page): string {
  return decode(
    page.html
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  ).trim();
}
