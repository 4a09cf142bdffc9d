/**
 * The e-mail domains an integrated identity provider serves, and which of them an
 * address falls in (home-realm discovery). A pattern is either
 *
 *   - a domain, `tech.gov.sg`: that domain exactly, or
 *   - a wildcard, `*.gov.sg`: every domain below it, at any depth (`tech.gov.sg`,
 *     `hq.mindef.gov.sg`), but NOT `gov.sg` itself. An address at the parent domain
 *     belongs to whoever lists it explicitly (`gov.sg,*.gov.sg` serves both). This is
 *     how a wildcard reads everywhere else (TLS certificates, DNS), so `*.gov.sg`
 *     never silently takes addresses of a different organisation at the apex.
 *
 * Wildcards are allowed only below a registrable-looking domain (two labels or
 * more): `*.sg` or `*.com` would claim a whole country or the whole world.
 * Patterns are compared lower-cased, without a trailing dot.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** `Tech.Gov.SG.` → `tech.gov.sg`; `*.GOV.sg` → `*.gov.sg`. */
export function normaliseDomainPattern(pattern: string): string {
  return pattern.trim().toLowerCase().replace(/\.$/, '');
}

function checkDomainName(domain: string, minLabels: number): string | null {
  if (domain.length > 253) return 'is longer than 253 characters';
  const labels = domain.split('.');
  if (labels.length < minLabels) {
    return minLabels > 2 ? 'is too broad' : 'must have at least two labels, e.g. agency.gov.sg';
  }
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return bad === ''
      ? 'has an empty label (two dots in a row, or a leading dot)'
      : `has a label ${JSON.stringify(bad)} that is not 1–63 letters, digits or dashes (not starting or ending with a dash)`;
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'ends in a number: an IP address is not an e-mail domain';
  return null;
}

/** What is wrong with a (normalised) pattern, or null. The message completes "domain X …". */
export function checkDomainPattern(pattern: string): string | null {
  if (pattern === '') return 'is empty';
  if (pattern.startsWith('*.')) {
    const base = pattern.slice(2);
    if (base.includes('*')) return 'may hold one wildcard only, as its first label (*.agency.gov.sg)';
    const problem = checkDomainName(base, 2);
    return problem === 'must have at least two labels, e.g. agency.gov.sg'
      ? 'is too broad: a wildcard must sit below a domain of two labels or more (*.gov.sg, not *.sg)'
      : problem;
  }
  if (pattern.includes('*')) return 'may hold a wildcard only as its first label (*.agency.gov.sg)';
  return checkDomainName(pattern, 2);
}

/** The domain of an e-mail address, lower-cased; null when it is not an address. */
export function emailDomain(email: string): string | null {
  const at = email.trim().lastIndexOf('@');
  if (at < 1) return null;
  const domain = normaliseDomainPattern(email.trim().slice(at + 1));
  return domain === '' || domain.includes('@') ? null : domain;
}

/** Whether `domain` (an address's domain, lower-cased) falls under `pattern`. */
export function domainMatches(pattern: string, domain: string): boolean {
  return pattern.startsWith('*.') ? domain.endsWith(pattern.slice(1)) : domain === pattern;
}

/**
 * Whether some address could fall under both patterns: then two providers listing
 * them would both claim it. `*.gov.sg` overlaps `tech.gov.sg` and `*.tech.gov.sg`;
 * it does not overlap `gov.sg`.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const wa = a.startsWith('*.');
  const wb = b.startsWith('*.');
  if (!wa && !wb) return a === b;
  if (wa && !wb) return domainMatches(a, b);
  if (!wa && wb) return domainMatches(b, a);
  const ba = a.slice(2);
  const bb = b.slice(2);
  return ba === bb || ba.endsWith(`.${bb}`) || bb.endsWith(`.${ba}`);
}
