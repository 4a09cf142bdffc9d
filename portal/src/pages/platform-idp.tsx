/**
 * One integrated identity provider as a platform admin sees it: the redirect URI to
 * register there, its settings and domains (changed with If-Match: a 412 offers a
 * reload), enable or disable it, remove it (confirmed). Never a secret: only whether
 * one is set.
 */
import { Button } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, get } from '../api.js';
import { ConfirmButton, CopyButton, Loading, Notice, Problem, when } from '../parts.js';
import { ownFieldError, ProviderForm, type IdentityProvider } from './platform-idp-form.js';
import { EnabledBadge, providerWarnings } from './platform-idps.js';
import { SaveProblem } from './tenant-application.js';

type Changed = IdentityProvider & { warnings: string[]; unlinked: number };

export function IdentityProviderPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const [current, setCurrent] = useState<{ value: IdentityProvider; etag: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(
    (location.state as { added?: boolean } | null)?.added ? { ok: true, text: 'Added. Register the redirect URI below at the provider.' } : null,
  );
  const [warnings] = useState<string[]>(() => {
    const once = providerWarnings.get(id) ?? [];
    providerWarnings.delete(id);
    return once;
  });
  const [busy, setBusy] = useState(false);
  const path = `/identity-providers/${encodeURIComponent(id)}`;

  const load = useCallback(() => {
    get<IdentityProvider>(path)
      .then(({ body, etag }) => setCurrent({ value: body, etag }))
      .catch(setError);
  }, [path]);
  useEffect(load, [load]);

  const back = (
    <p className="mb-2">
      <Link to="/identity-providers">← Identity providers</Link>
    </p>
  );
  if (error)
    return (
      <>
        {back}
        <Problem error={error} />
      </>
    );
  if (!current) return <Loading what="the identity provider" />;
  const p = current.value;
  const auth = p.clientAuthentication;

  const save = (body: Record<string, unknown>) => {
    setSaveError(null);
    setOutcome(null);
    if (Object.keys(body).length === 0) {
      setOutcome({ ok: true, text: 'Nothing changed.' });
      return;
    }
    setBusy(true);
    api<Changed>('PATCH', path, { body, ifMatch: current.etag })
      .then(({ body: changed, etag }) => {
        setCurrent({ value: changed, etag });
        const extra = [
          ...changed.warnings,
          ...(changed.unlinked ? [`${changed.unlinked} linked account(s) will link again at their next sign-in.`] : []),
        ];
        setOutcome({ ok: true, text: ['Saved.', ...extra].join(' ') });
      })
      .catch(setSaveError)
      .finally(() => setBusy(false));
  };
  const toggle = () => {
    setOutcome(null);
    api<IdentityProvider>('POST', `${path}/${p.enabled ? 'disable' : 'enable'}`)
      .then(({ body, etag }) => {
        setCurrent({ value: body, etag });
        setOutcome({
          ok: true,
          text: body.enabled ? 'Enabled: people of its domains sign in there again.' : 'Disabled: nobody signs in through it until it is enabled.',
        });
      })
      .catch((e: unknown) => setOutcome({ ok: false, text: `TechPass refused: ${e instanceof Error ? e.message : String(e)}` }));
  };

  return (
    <>
      {back}
      <p className="text-muted mb-1">Identity provider</p>
      <h1>{p.displayName}</h1>
      <div aria-live="polite">
        {outcome && <Notice variant={outcome.ok ? 'success' : 'danger'}>{outcome.text}</Notice>}
        {warnings.map((w) => (
          <Notice key={w} variant="warning">
            {w}
          </Notice>
        ))}
      </div>
      <dl className="tp-dl tp-dl-grid">
        <dt>Name</dt>
        <dd>
          <span className="tp-code">{p.name}</span>
        </dd>
        <dt>State</dt>
        <dd data-testid="idp-state">
          <EnabledBadge enabled={p.enabled} />
        </dd>
        <dt>Redirect URI to register at the provider</dt>
        <dd>
          <span className="tp-code me-2">{p.callbackUrl}</span>
          <CopyButton value={p.callbackUrl} label="redirect URI" />
        </dd>
        <dt>E-mail domains</dt>
        <dd>
          <span className="tp-code" data-testid="idp-domains">
            {p.domains.join(', ')}
          </span>
        </dd>
        <dt>Authentication</dt>
        <dd>
          {auth.method === 'client_secret'
            ? `Client secret: ${auth.secretSet ? `set ${when(auth.secretSetAt)} (never shown)` : 'not set'}`
            : `Certificate ${auth.certificate?.subject ?? ''} (${auth.certificate?.alg ?? ''}, until ${when(auth.certificate?.notAfter)}), x5t ${auth.certificate?.x5t ?? ''}`}
        </dd>
        <dt>Sign-out</dt>
        <dd>
          {p.endSession ? 'Also signs out at the provider' : 'Leaves the provider’s session alone'}
          {p.endSession && !p.endSessionEndpoint ? ' (but the provider publishes no end_session_endpoint)' : ''}
        </dd>
        <dt>Added</dt>
        <dd>{when(p.createdAt)}</dd>
        <dt>Last changed</dt>
        <dd>{when(p.updatedAt)}</dd>
      </dl>

      <section aria-labelledby="tp-idp-actions">
        <h2 id="tp-idp-actions">Actions</h2>
        <div className="d-flex flex-wrap gap-2">
          <Button variant={p.enabled ? 'outline-primary' : 'primary'} size="sm" onClick={toggle}>
            {p.enabled ? 'Disable' : 'Enable'}
          </Button>
          <ConfirmButton
            label="Remove"
            title={`Remove the identity provider ${p.name}?`}
            confirm="Remove provider"
            onConfirm={async () => {
              await api('DELETE', path, { ifMatch: current.etag });
              navigate('/identity-providers');
            }}
          >
            <p>
              People of {p.domains.join(', ')} will sign in with a TechPass password instead. Every account’s link to this provider is removed (the
              accounts stay).
            </p>
          </ConfirmButton>
        </div>
      </section>

      <section aria-labelledby="tp-idp-settings" className="mt-4">
        <h2 id="tp-idp-settings">Settings</h2>
        <p className="text-muted">Saving checks the provider’s discovery document again. A new issuer or subject claim unlinks its accounts.</p>
        <ProviderForm
          key={current.etag ?? ''}
          provider={p}
          submitLabel={busy ? 'Checking the provider…' : 'Save changes'}
          error={saveError}
          onSubmit={save}
        >
          {saveError && !ownFieldError(saveError) ? <SaveProblem error={saveError} /> : null}
        </ProviderForm>
      </section>
    </>
  );
}
