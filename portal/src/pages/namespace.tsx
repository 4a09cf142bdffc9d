/** A namespace's overview: its names and directory ID (editable), its admins, its applications; links to its sign-in log and vendors. */
import { Button, Form, Table } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, get } from '../api.js';
import { ConfirmButton, fieldError, Loading, Problem, when } from '../parts.js';
import { UserSearchInput } from '../user-search.js';
import type { Namespace } from './namespaces.js';
import { Groups } from './tenant-groups.js';

interface Admin {
  userId: string;
  email: string;
  givenName: string;
  familyName: string;
  since: number;
}

export interface Application {
  clientId: string;
  namespace: string;
  name: string;
  homepageUrl: string | null;
  logoutUrl: string | null;
  redirectUris: string[];
  public: boolean;
  signInEnabled: boolean;
  assignmentRequired: boolean;
  implicitGrant: boolean;
  backchannelLogoutUri: string | null;
  termsVersion: number;
  managementApi: boolean;
  /** The people responsible for it (application-owners.tsx). */
  owners: Array<{ userId: string; email: string }>;
  createdAt: number;
  updatedAt: number;
}

export function NamespacePage() {
  const { namespace = '' } = useParams();
  const [ns, setNs] = useState<{ value: Namespace; etag: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setNs(null);
    setError(null);
    get<Namespace>(`/namespaces/${encodeURIComponent(namespace)}`)
      .then(({ body, etag }) => setNs({ value: body, etag }))
      .catch(setError);
  }, [namespace]);

  if (error) return <Problem error={error} />;
  if (!ns) return <Loading what={`namespace ${namespace}`} />;
  return (
    <>
      <p className="text-muted mb-1">Namespace</p>
      <h1>{ns.value.displayName}</h1>
      <nav aria-label="More of this namespace" className="mb-3">
        <ul className="list-inline mb-0">
          <li className="list-inline-item">
            <Link to={`/namespaces/${namespace}/sign-ins`}>Sign-in log</Link>
          </li>
          <li className="list-inline-item">
            <Link to={`/namespaces/${namespace}/vendors`}>Vendors</Link>
          </li>
        </ul>
      </nav>
      <Overview ns={ns.value} etag={ns.etag} onSaved={(value, etag) => setNs({ value, etag })} />
      <Admins namespace={namespace} />
      <Applications namespace={namespace} />
      <Groups namespace={namespace} />
    </>
  );
}

function Overview({ ns, etag, onSaved }: { ns: Namespace; etag: string | null; onSaved: (ns: Namespace, etag: string | null) => void }) {
  const [displayName, setDisplayName] = useState(ns.displayName);
  const [description, setDescription] = useState(ns.description);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    setError(null);
    api<Namespace>('PATCH', `/namespaces/${ns.name}`, { body: { displayName, description }, ifMatch: etag })
      .then(({ body, etag: next }) => {
        onSaved(body, next);
        setSaved(true);
      })
      .catch(setError);
  };
  const nameError = fieldError(error, 'displayName', 'Display name');
  const descriptionError = fieldError(error, 'description', 'Description');
  return (
    <section aria-labelledby="tp-overview">
      <h2 id="tp-overview">Overview</h2>
      <dl className="tp-dl">
        <dt>Namespace name</dt>
        <dd className="tp-code">{ns.name}</dd>
        <dt>Directory ID</dt>
        <dd className="tp-code" data-testid="directory-id">
          {ns.id}
        </dd>
        <dt>Created</dt>
        <dd>{when(ns.createdAt)}</dd>
      </dl>
      <Form onSubmit={submit} noValidate>
        <Form.Group className="mb-3" controlId="tp-display-name">
          <Form.Label>Display name</Form.Label>
          <Form.Control value={displayName} onChange={(e) => setDisplayName(e.target.value)} isInvalid={!!nameError} maxLength={100} required />
          {nameError && <Form.Control.Feedback type="invalid">{nameError}</Form.Control.Feedback>}
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-description">
          <Form.Label>Description</Form.Label>
          <Form.Control as="textarea" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} isInvalid={!!descriptionError} />
          {descriptionError && <Form.Control.Feedback type="invalid">{descriptionError}</Form.Control.Feedback>}
        </Form.Group>
        {error && !nameError && !descriptionError ? <Problem error={error} /> : null}
        {saved && (
          <p role="status" className="text-success">
            Saved.
          </p>
        )}
        <Button variant="primary" type="submit">Save</Button>
      </Form>
    </section>
  );
}

function Admins({ namespace }: { namespace: string }) {
  const [admins, setAdmins] = useState<Admin[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [email, setEmail] = useState('');
  const [addError, setAddError] = useState<unknown>(null);
  const load = useCallback(() => {
    get<{ items: Admin[] }>(`/namespaces/${namespace}/admins`)
      .then(({ body }) => setAdmins(body.items))
      .catch(setError);
  }, [namespace]);
  useEffect(load, [load]);
  const add = (event: FormEvent) => {
    event.preventDefault();
    setAddError(null);
    api<{ items: Admin[] }>('POST', `/namespaces/${namespace}/admins`, { body: { email: email.trim() } })
      .then(({ body }) => {
        setAdmins(body.items);
        setEmail('');
      })
      .catch(setAddError);
  };
  const emailError = fieldError(addError, 'email');
  return (
    <section aria-labelledby="tp-admins">
      <h2 id="tp-admins">Admins</h2>
      {error ? (
        <Problem error={error} />
      ) : !admins ? (
        <Loading what="admins" />
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">TechPass ID</th>
                <th scope="col">Admin since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {admins.map((a) => (
                <tr key={a.userId}>
                  <td>
                    {a.givenName} {a.familyName}
                  </td>
                  <td>{a.email}</td>
                  <td>{when(a.since)}</td>
                  <td className="text-end">
                    <ConfirmButton
                      label="Remove"
                      title="Remove this admin?"
                      confirm="Remove admin"
                      onConfirm={async () => {
                        const { body } = await api<{ items: Admin[] }>('DELETE', `/namespaces/${namespace}/admins/${a.userId}`);
                        setAdmins(body.items);
                      }}
                    >
                      <p>
                        {a.email} will no longer administer {namespace}. The last admin of a namespace cannot be removed.
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
        <Form.Group className="col-sm-8" controlId="tp-admin-email">
          <Form.Label>Add an admin (search by name or TechPass ID)</Form.Label>
          <UserSearchInput id="tp-admin-email" value={email} onChange={setEmail} isInvalid={!!addError} />
          {addError ? <Form.Control.Feedback type="invalid">{emailError ?? (addError as Error).message}</Form.Control.Feedback> : null}
        </Form.Group>
        <div className="col-sm-4">
          <Button variant="primary" type="submit" disabled={!email.trim()}>
            Add admin
          </Button>
        </div>
      </Form>
    </section>
  );
}

function Applications({ namespace }: { namespace: string }) {
  const [apps, setApps] = useState<Application[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ items: Application[] }>(`/namespaces/${namespace}/applications?limit=200`)
      .then(({ body }) => setApps(body.items))
      .catch(setError);
  }, [namespace]);
  return (
    <section aria-labelledby="tp-apps">
      <h2 id="tp-apps">Applications</h2>
      {error ? (
        <Problem error={error} />
      ) : !apps ? (
        <Loading what="applications" />
      ) : apps.length === 0 ? (
        <p>This namespace has no applications yet.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Application</th>
                <th scope="col">Client ID</th>
                <th scope="col">Type</th>
                <th scope="col">Sign-in</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((a) => (
                <tr key={a.clientId}>
                  <td>
                    <Link to={`/namespaces/${namespace}/applications/${a.clientId}`}>{a.name}</Link>
                  </td>
                  <td className="tp-code">{a.clientId}</td>
                  <td>{a.public ? 'Public (PKCE)' : 'Confidential'}</td>
                  <td>{a.signInEnabled ? 'On' : 'Off'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <Link className="btn btn-primary" to={`/namespaces/${namespace}/applications/new`}>
        New application
      </Link>
    </section>
  );
}
