/** The management client's request and answer shapes (management-client.ts, remote-client.ts). */
export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** The ETag the change is based on (If-Match). */
  ifMatch?: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  etag: string | undefined;
}

export interface ManagementClient {
  /** `local` or the server's URL. */
  readonly where: string;
  /** Calls `/api/v1${path}`: the answer, or a CommandError carrying the API's refusal. */
  call<T = unknown>(method: ApiMethod, path: string, request?: ApiRequest): Promise<ApiAnswer<T>>;
}
