/** One application: its properties, the endpoints its developers need, and its client secrets. */
import { Badge, Button, Form, Table } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, get } from '../api.js';
import { ConfirmButton, CopyButton, fieldError, Loading, Notice, Problem, when } from '../parts.js';
import { ApplicationOwners } from './application-owners.js';
import type { Application } from './namespace.js';
import { ApplicationSettings, Assignments, Certificates, FirstSecret } from './tenant-application.js';

interface Secret {
  id: string;
  name: string;
  hint: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
}

export function ApplicationPage() {
  const { namespace = '', clientId = '' } = useParams();
  const [app, setApp] = useState<Application | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Read again after a change elsewhere on the page (a certificate, an assignment): the ETag the settings save with follows.
  const load = useCallback(() => {
    get<Application>(`/namespaces/${namespace}/applications/${clientId}`)
      .then(({ body, etag: tag }) => {
        setApp(body);
        setEtag(tag);
      })
      .catch(setError);
  }, [namespace, clientId]);
  useEffect(load, [load]);
  if (error) return <Problem error={error} />;
  if (!app) return <Loading what="the application" />;
  return (
    <>
      <p className="text-muted mb-1">
        <Link to={`/namespaces/${namespace}`}>{namespace}</Link> · Application
      </p>
      <h1>{app.name}</h1>
      <FirstSecret clientId={app.clientId} />
      <dl className="tp-dl">
        <dt>Client ID</dt>
        <dd>
          <span className="tp-code">{app.clientId}</span> <CopyButton value={app.clientId} label="client ID" />
        </dd>
        <dt>Type</dt>
        <dd>{app.public ? 'Public client (PKCE, no secret)' : 'Confidential client'}</dd>
        <dt>Redirect URIs</dt>
        <dd>
          <ul className="list-unstyled mb-0 tp-code">
            {app.redirectUris.map((u) => (
              <li key={u}>{u}</li>
            ))}
          </ul>
        </dd>
        <dt>Homepage</dt>
        <dd className="tp-code">{app.homepageUrl ?? '—'}</dd>
        <dt>Sign-out URL</dt>
        <dd className="tp-code">{app.logoutUrl ?? '—'}</dd>
        <dt>Switches</dt>
        <dd>
          <Badge bg={app.signInEnabled ? 'success' : 'secondary'}>Sign-in {app.signInEnabled ? 'on' : 'off'}</Badge>{' '}
          <Badge bg={app.assignmentRequired ? 'primary' : 'secondary'}>User assignment {app.assignmentRequired ? 'required' : 'not required'}</Badge>
        </dd>
      </dl>
      <ApplicationOwners
        app={app}
        etag={etag}
        onSaved={(next, tag) => {
          setApp(next);
          setEtag(tag);
        }}
      />
      <Endpoints />
      {!app.public && <Secrets namespace={namespace} clientId={clientId} />}
      <Assignments namespace={namespace} clientId={clientId} required={app.assignmentRequired} onChanged={load} />
      <Certificates namespace={namespace} clientId={clientId} onChanged={load} />
      <ApplicationSettings

        app={app}
        etag={etag}
        onSaved={(next, tag) => {
          setApp(next);
          setEtag(tag);
        }}
      />
    </>
  );
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
  userinfo_endpoint?: string;
}

/** The common endpoints, ready to copy, from TechPass' own discovery document. */
function Endpoints() {
  const [doc, setDoc] = useState<Discovery | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    fetch('/.well-known/openid-configuration')
      .then(async (r) => (r.ok ? setDoc((await r.json()) as Discovery) : setError(new Error(`discovery answered ${r.status}`))))
      .catch(setError);
  }, []);
  const rows: Array<[string, string | undefined]> = doc
    ? [
        ['Discovery', `${doc.issuer}/.well-known/openid-configuration`],
        ['Authorize', doc.authorization_endpoint],
        ['Token', doc.token_endpoint],
        ['UserInfo', doc.userinfo_endpoint],
        ['Sign-out', doc.end_session_endpoint],
      ]
    : [];
  return (
    <section aria-labelledby="tp-endpoints">
      <h2 id="tp-endpoints">Common endpoints</h2>
      {error ? (
        <Problem error={error} />
      ) : !doc ? (
        <Loading what="endpoints" />
      ) : (
        <dl className="tp-dl">
          {rows
            .filter((r): r is [string, string] => Boolean(r[1]))
            .map(([name, url]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>
                  <span className="tp-code">{url}</span> <CopyButton value={url} label={`${name} URL`} />
                </dd>
              </div>
            ))}
        </dl>
      )}
    </section>
  );
}

function Secrets({ namespace, clientId }: { namespace: string; clientId: string }) {
  const base = `/namespaces/${namespace}/applications/${clientId}/secrets`;
  const [secrets, setSecrets] = useState<Secret[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [addError, setAddError] = useState<unknown>(null);
  const [created, setCreated] = useState<(Secret & { value: string }) | null>(null);
  const load = useCallback(() => {
    get<{ items: Secret[] }>(base)
      .then(({ body }) => setSecrets(body.items))
      .catch(setError);
  }, [base]);
  useEffect(load, [load]);
  const add = (event: FormEvent) => {
    event.preventDefault();
    setAddError(null);
    api<Secret & { value: string }>('POST', base, { body: { name: name.trim() } })
      .then(({ body }) => {
        setCreated(body);
        setName('');
        load();
      })
      .catch(setAddError);
  };
  return (
    <section aria-labelledby="tp-secrets">
      <h2 id="tp-secrets">Client secrets</h2>
      {created && (
        <div className="tp-secret-once" role="status" data-testid="secret-once">
          <p className="mb-2">
            <strong>Copy the new secret “{created.name || 'unnamed'}” now.</strong> TechPass keeps only a digest: it will not be shown again.
          </p>
          <p className="mb-2">
            <span className="tp-code" data-testid="secret-value">
              {created.value}
            </span>{' '}
            <CopyButton value={created.value} label="client secret" />
          </p>
          <Button variant="outline-secondary" size="sm" onClick={() => setCreated(null)}>
            I have copied it
          </Button>
        </div>
      )}
      {error ? (
        <Problem error={error} />
      ) : !secrets ? (
        <Loading what="client secrets" />
      ) : secrets.length === 0 ? (
        <Notice variant="warning">This application has no live client secret: it cannot authenticate to the token endpoint.</Notice>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Ends in</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((s) => (
                <tr key={s.id}>
                  <td>{s.name || <span className="text-muted">(no name)</span>}</td>
                  <td className="tp-code">…{s.hint}</td>
                  <td>{when(s.createdAt)}</td>
                  <td>{when(s.expiresAt)}</td>
                  <td>{s.lastUsedAt ? when(s.lastUsedAt) : 'Never'}</td>
                  <td className="text-end">
                    <ConfirmButton
                      label="Revoke"
                      title="Revoke this secret?"
                      confirm="Revoke secret"
                      onConfirm={async () => {
                        await api('DELETE', `${base}/${s.id}`);
                        load();
                      }}
                    >
                      <p>
                        The secret “{s.name || s.hint}” stops working at once, on every TechPass node. Anything still using it will fail to get tokens.
                      </p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <Form onSubmit={add} noValidate className="row g-2 align-items-end">
        <Form.Group className="col-sm-8" controlId="tp-secret-name">
          <Form.Label>New secret’s name</Form.Label>
          <Form.Control value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. CI deploy" isInvalid={!!addError} />
          {addError ? <Form.Control.Feedback type="invalid">{fieldError(addError, 'name') ?? (addError as Error).message}</Form.Control.Feedback> : null}
        </Form.Group>
        <div className="col-sm-4">
          <Button variant="primary" type="submit">Add a secret</Button>
        </div>
      </Form>
    </section>
  );
}
