/**
 * My Account › Security: the person's second factors (`GET /users/{self}/factors`), one
 * added (account-add-factor.tsx) or removed. Both need a sign-in with a second factor in
 * the last minutes: when the API says `session.fresh_sign_in_required`, the page offers
 * to sign in again (`/portal/login?fresh=1`) and comes back here.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, get, type Me } from '../api.js';
import { FACTOR_TYPE, FactorTable, type Factor } from '../factors.js';
import { ConfirmButton, Loading, Notice, Problem } from '../parts.js';
import { AddFactor } from './account-add-factor.js';
import { FreshSignInNotice, needsFreshSignIn } from './account-fresh.js';

export function AccountSecurityPage({ me }: { me: Me }) {
  const [factors, setFactors] = useState<Factor[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [fresh, setFresh] = useState(false);
  const load = useCallback(() => {
    get<{ items: Factor[] }>(`/users/${encodeURIComponent(me.userId)}/factors`)
      .then(({ body }) => setFactors(body.items))
      .catch(setError);
  }, [me.userId]);
  useEffect(load, [load]);

  const remove = async (factor: Factor) => {
    try {
      await api('DELETE', `/users/${encodeURIComponent(me.userId)}/factors/${encodeURIComponent(factor.id)}`);
    } catch (e) {
      // The dialog closes and the page asks to confirm it's you first.
      if (!needsFreshSignIn(e)) throw e;
      setDone(null);
      setFresh(true);
      return;
    }
    setFresh(false);
    setDone(`“${factor.label}” was removed. Your other sessions were signed out.`);
    load();
  };

  return (
    <>
      <section aria-labelledby="tp-factors">
        <h2 id="tp-factors">Second factors</h2>
        <p>You confirm each sign-in to TechPass with one of these, after your password or your agency’s sign-in.</p>
        {fresh && <FreshSignInNotice />}
        {done && <Notice variant="success">{done}</Notice>}
        {error ? (
          <Problem error={error} />
        ) : !factors ? (
          <Loading what="your second factors" />
        ) : factors.length === 0 ? (
          <p>You have no second factor yet. TechPass asks you to set one up at your next sign-in.</p>
        ) : (
          <FactorTable
            factors={factors}
            caption="Your second factors"
            testId="own-factors"
            action={(f) =>
              factors.length > 1 ? (
                <ConfirmButton label="Remove" title={`Remove “${f.label}”?`} confirm="Remove" onConfirm={() => remove(f)}>
                  <p>
                    You will no longer be able to confirm sign-ins with this {FACTOR_TYPE[f.type].toLowerCase()}. Every other session of your account
                    is signed out.
                  </p>
                </ConfirmButton>
              ) : (
                <span className="text-muted small">Your only factor</span>
              )
            }
          />
        )}
      </section>
      <AddFactor
        onAdded={(factor) => {
          setFresh(false);
          setDone(`“${factor.label}” was added. You can use it at your next sign-in.`);
          load();
        }}
      />
      <p className="text-muted mt-4">Lost every second factor? A platform admin can reset them; you then set one up at your next sign-in.</p>
    </>
  );
}
