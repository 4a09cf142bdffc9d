/**
 * The platform admin's integrated identity providers: the list (each with its domains
 * and state) and the form to add one. A provider's own page is platform-idp.tsx.
 */
import { Table } from '@govtechsg/sgds-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, get } from '../api.js';
import { Loading, Problem } from '../parts.js';
import { ownFieldError, ProviderForm, type IdentityProvider } from './platform-idp-form.js';
import { SaveProblem } from './tenant-application.js';

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return <span className={`badge ${enabled ? 'bg-success' : 'bg-secondary'}`}>{enabled ? 'Enabled' : 'Disabled'}</span>;
}

/** Warnings of an add or a change, handed to the provider's page to show once. */
export const providerWarnings = new Map<string, string[]>();

export function IdentityProvidersPage() {
  const [providers, setProviders] = useState<IdentityProvider[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [addError, setAddError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  useEffect(() => {
    get<{ items: IdentityProvider[] }>('/identity-providers')
      .then(({ body }) => setProviders(body.items))
      .catch(setError);
  }, []);

  const add = (body: Record<string, unknown>) => {
    setAddError(null);
    setBusy(true);
    api<IdentityProvider & { warnings: string[] }>('POST', '/identity-providers', { body })
      .then(({ body: created }) => {
        providerWarnings.set(created.id, created.warnings);
        navigate(`/identity-providers/${created.id}`, { state: { added: true } });
      })
      .catch(setAddError)
      .finally(() => setBusy(false));
  };

  return (
    <>
      <h1>Identity providers</h1>
      <p>
        People whose e-mail is in a provider’s domains sign in there first (for example the government’s Microsoft Entra ID), then come back to
        TechPass.
      </p>
      {error ? (
        <Problem error={error} />
      ) : !providers ? (
        <Loading what="identity providers" />
      ) : providers.length === 0 ? (
        <p>No identity providers yet: everyone signs in with a TechPass password.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">State</th>
                <th scope="col">E-mail domains</th>
                <th scope="col" className="d-none d-md-table-cell">
                  Issuer
                </th>
              </tr>
            </thead>
            <tbody>
              {providers.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/identity-providers/${p.id}`}>{p.displayName}</Link>
                    <div className="text-muted small tp-code">{p.name}</div>
                  </td>
                  <td>
                    <EnabledBadge enabled={p.enabled} />
                  </td>
                  <td className="tp-code">{p.domains.join(', ')}</td>
                  <td className="tp-code d-none d-md-table-cell">{p.issuer}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <section aria-labelledby="tp-idp-add" className="mt-4">
        <h2 id="tp-idp-add">Add a provider</h2>
        <p className="text-muted">TechPass reads the provider’s discovery document before it adds it, so the issuer must be reachable.</p>
        <ProviderForm submitLabel={busy ? 'Checking the provider…' : 'Add provider'} error={addError} onSubmit={add}>
          {addError && !ownFieldError(addError) ? <SaveProblem error={addError} /> : null}
        </ProviderForm>
      </section>
    </>
  );
}
