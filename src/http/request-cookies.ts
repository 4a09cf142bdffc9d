/**
 * Cookies are parsed and written by @fastify/cookie, registered once in app.ts
 * with `cookieParsing` below. One rule on top of it: a value that is not valid
 * percent-encoding is no cookie (the parser alone would hand it on undecoded),
 * and neither is an empty one.
 */
import type { CookieSerializeOptions, FastifyCookieOptions, ParseOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';

/** The parser's decoder: a value that does not decode becomes empty, which `cookieValue` reads as no cookie. */
function decodeCookieValue(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

/**
 * The options app.ts registers @fastify/cookie with. The plugin hands `parseOptions`
 * to the parser (its type names only the serializer's options, which ignore
 * `decode`). The first cookie of a name wins, as browsers send the most specific first.
 */
const parseOptions: ParseOptions & CookieSerializeOptions = { decode: decodeCookieValue };
export const cookieParsing: FastifyCookieOptions = { parseOptions };

/** One cookie of a request, decoded; undefined when absent, empty or not valid percent-encoding. */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  return request.cookies[name] || undefined;
}
