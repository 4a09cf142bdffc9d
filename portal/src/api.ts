/**
 * The portal's one way to TechPass: the management API (`/api/v1`) through the
 * backend-for-frontend session. The browser holds only an HttpOnly cookie; every call
 * carries the session's CSRF value in `X-CSRF-Token`. No token is ever seen here.
 */
export interface Session {
  userId: string;
  email: string;
  csrfToken: string;
}

export interface Me {
  userId: string;
  email: string;
  role: 'platform_admin' | 'tenant_admin' | 'user';
  adminOf: string[];
}

/** A refusal in the API's one shape: `{ error: { code, message, fields? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }
}

let session: Session | null = null;

/** The session, or a trip to the sign-in that comes back here. */
export async function loadSession(): Promise<Session | null> {
  const res = await fetch('/portal/session', { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) {
    signIn();
    return null;
  }
  if (!res.ok) throw new Error(`The portal could not reach TechPass (${res.status}).`);
  session = (await res.json()) as Session;
  return session;
}

export function signIn(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/portal/login?returnTo=${encodeURIComponent(here)}`);
}

export async function signOut(): Promise<void> {
  const res = await fetch('/portal/logout', { method: 'POST', headers: { 'x-csrf-token': session?.csrfToken ?? '' } });
  const body = (await res.json().catch(() => ({}))) as { next?: string };
  window.location.assign(body.next ?? '/portal/signed-out');
}

export interface Answer<T> {
  body: T;
  etag: string | null;
}

/** One API call; a refusal throws ApiError (401: the session ended, so sign in again). */
export async function api<T>(method: string, path: string, options: { body?: unknown; ifMatch?: string | null } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'x-csrf-token': session?.csrfToken ?? '', accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string; fields?: string[] } } | null)?.error;
    if (res.status === 401) signIn();
    throw new ApiError(res.status, error?.code ?? 'unknown', error?.message ?? `TechPass answered ${res.status}`, error?.fields ?? []);
  }
  return { body: body as T, etag: res.headers.get('etag') };
}

export const get = <T>(path: string) => api<T>('GET', path);

/**
 * A file from the API (an export), fetched with the session's CSRF value (a plain link
 * cannot carry it) and handed back as a Blob to save; a refusal throws ApiError.
 */
export async function download(path: string): Promise<Blob> {
  const res = await fetch(`/api/v1${path}`, { headers: { 'x-csrf-token': session?.csrfToken ?? '' }, credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; fields?: string[] } } | null;
    if (res.status === 401) signIn();
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'unknown',
      body?.error?.message ?? `TechPass answered ${res.status}`,
      body?.error?.fields ?? [],
    );
  }
  return res.blob();
}
