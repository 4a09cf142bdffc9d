/**
 * An account's second factors as a platform admin sees them (the user page): the list,
 * removing one (confirmed), and "Reset MFA" (confirmed): every factor goes at once, the
 * person's sessions end, they are told by e-mail, and their next sign-in sets up a new one.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, get } from '../api.js';
import { FactorTable, type Factor } from '../factors.js';
import { ConfirmButton, fieldError, Loading, Notice, Problem } from '../parts.js';

interface MfaReset {
  removed: { authenticators: number; totp: number; passkeys: number };
}

/** A refusal as a plain message (a 403 here is "you may not do this", not "you may not see this"). */
export function plain(error: unknown, field?: string, label?: string): Error {
  if (!(error instanceof ApiError)) return error as Error;
  // As TechPass says it: messages may start with a TechPass ID (`sam@agency.gov.sg: …`), so no capitalising here.
  return new Error((field && fieldError(error, field, label)) || error.message);
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** What a reset removed, in words: only the kinds it found ("1 authenticator app and 2 passkeys"). */
function removedText({ removed }: MfaReset): string {
  const parts = [
    removed.authenticators ? count(removed.authenticators, 'TechPass app', 'TechPass apps') : '',
    removed.totp ? count(removed.totp, 'authenticator app', 'authenticator apps') : '',
    removed.passkeys ? count(removed.passkeys, 'passkey', 'passkeys') : '',
  ].filter(Boolean);
  if (parts.length === 0) return 'no factor was left to remove';
  return `removed ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]}`;
}
const resetText = (answer: MfaReset) =>
  `MFA reset: ${removedText(answer)}. The person was told by e-mail and signed out everywhere; their next sign-in sets up a new second factor.`;

export function Factors({ path, name }: { path: string; name: string }) {
  const [factors, setFactors] = useState<Factor[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(() => {
    get<{ items: Factor[] }>(`${path}/factors`)
      .then(({ body }) => setFactors(body.items))
      .catch(setError);
  }, [path]);
  useEffect(load, [load]);
  return (
    <section aria-labelledby="tp-user-factors">
      <h2 id="tp-user-factors">Second factors</h2>
      <div aria-live="polite">{done && <Notice variant="success">{done}</Notice>}</div>
      {error ? (
        <Problem error={plain(error)} />
      ) : !factors ? (
        <Loading what="second factors" />
      ) : factors.length === 0 ? (
        <p>No second factor: the person is asked to set one up at their next sign-in.</p>
      ) : (
        <>
          <FactorTable
            factors={factors}
            caption={`Second factors of ${name}`}
            action={(f) => (
              <ConfirmButton
                label="Remove"
                title="Remove this factor?"
                confirm="Remove factor"
                onConfirm={async () => {
                  setDone(null);
                  try {
                    await api('DELETE', `${path}/factors/${encodeURIComponent(f.id)}`);
                  } catch (e) {
                    throw plain(e);
                  }
                  setDone(`Removed ${f.label}. The person was told by e-mail and their sessions ended.`);
                  load();
                }}
              >
                <p>
                  {name} can no longer sign in with “{f.label}” and every session of theirs ends. They are told by e-mail.
                </p>
              </ConfirmButton>
            )}
          />
          <ConfirmButton
            label="Reset MFA"
            title={`Reset every second factor of ${name}?`}
            confirm="Reset MFA"
            onConfirm={async () => {
              setDone(null);
              let answer: MfaReset;
              try {
                answer = (await api<MfaReset>('POST', `${path}/reset-mfa`, { body: {} })).body;
              } catch (e) {
                throw plain(e);
              }
              setDone(resetText(answer));
              load();
            }}
          >
            <p>
              Do this only after checking who the person is (for example by a video call with their ID).{' '}
              {factors.length === 1 ? 'The second factor above is removed' : `All ${factors.length} second factors above are removed`}, {name} is
              signed out everywhere and told by e-mail, and their next sign-in asks them to set up a new one.
            </p>
          </ConfirmButton>
        </>
      )}
    </section>
  );
}
