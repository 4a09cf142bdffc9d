/**
 * A tenant admin's work on applications: creating one (its first secret shown once on
 * the application's page), editing every property (If-Match), deleting it, and the
 * application's assignments (people and groups) and certificates.
 */
import { Button, Form, Table } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, get } from '../api.js';
import { ConfirmButton, CopyButton, fieldError, Loading, Problem, when } from '../parts.js';
import type { Application } from './namespace.js';

/** The human name of each application field the API may name in `fields`. */
const LABELS: Record<string, string> = {
  name: 'Name',
  homepageUrl: 'Homepage URL',
  logoutUrl: 'Sign-out URL',
  redirectUris: 'Redirect URIs',
  backchannelLogoutUri: 'Back-channel logout URI',
  signInEnabled: 'Sign-in',
  assignmentRequired: 'User assignment required',
};

const errorOf = (error: unknown, field: string) => fieldError(error, field, LABELS[field]);
/** True when the error names a field of this form (then it shows next to that input, not above the button). */
const namesAField = (error: unknown, fields: string[]) => error instanceof ApiError && error.fields.some((f) => fields.includes(f));
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** A refusal of a save: 412 (someone changed it since this page read it) says what to do; others as the API says. */
export function SaveProblem({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 412)
    return (
      <div className="alert alert-warning" role="alert">
        <p className="mb-2">
          Someone changed this since you opened the page, so nothing was saved. Reload the page to see their changes, then make yours again.
        </p>
        <Button variant="outline-primary" size="sm" onClick={() => window.location.reload()}>
          Reload the page
        </Button>
      </div>
    );
  return <Problem error={error} />;
}

/** A new confidential client's first secret, handed from the creation form to the application's page, once. */
const firstSecrets = new Map<string, { value: string; expiresAt: number | null }>();

interface Created extends Application {
  clientSecret: string | null;
  secretExpiresAt: number | null;
}

export function NewApplicationPage() {
  const { namespace = '' } = useParams();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [redirectUris, setRedirectUris] = useState('');
  const [isPublic, setIsPublic] = useState(false);
  const [homepageUrl, setHomepageUrl] = useState('');
  const [logoutUrl, setLogoutUrl] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const body = {
      name: name.trim(),
      redirectUris: lines(redirectUris),
      public: isPublic,
      ...(homepageUrl.trim() ? { homepageUrl: homepageUrl.trim() } : {}),
      ...(logoutUrl.trim() ? { logoutUrl: logoutUrl.trim() } : {}),
    };
    api<Created>('POST', `/namespaces/${namespace}/applications`, { body })
      .then(({ body: created }) => {
        if (created.clientSecret) firstSecrets.set(created.clientId, { value: created.clientSecret, expiresAt: created.secretExpiresAt });
        navigate(`/namespaces/${namespace}/applications/${created.clientId}`);
      })
      .catch((e: unknown) => {
        setError(e);
        setBusy(false);
      });
  };
  const fields = ['name', 'redirectUris', 'homepageUrl', 'logoutUrl'];
  return (
    <>
      <p className="text-muted mb-1">
        <Link to={`/namespaces/${namespace}`}>{namespace}</Link> · Applications
      </p>
      <h1>New application</h1>
      <Form onSubmit={submit} noValidate>
        <Form.Group className="mb-3" controlId="tp-new-app-name">
          <Form.Label>Name</Form.Label>
          <Form.Control value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required isInvalid={!!errorOf(error, 'name')} />
          <Form.Control.Feedback type="invalid">{errorOf(error, 'name')}</Form.Control.Feedback>
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-new-app-redirects">
          <Form.Label>Redirect URIs</Form.Label>
          <Form.Control
            as="textarea"
            rows={3}
            value={redirectUris}
            onChange={(e) => setRedirectUris(e.target.value)}
            required
            aria-describedby="tp-new-app-redirects-help"
            isInvalid={!!errorOf(error, 'redirectUris')}
          />
          <Form.Text id="tp-new-app-redirects-help">One per line, such as https://app.agency.gov.sg/callback.</Form.Text>
          <Form.Control.Feedback type="invalid">{errorOf(error, 'redirectUris')}</Form.Control.Feedback>
        </Form.Group>
        <fieldset className="mb-3">
          <legend className="form-label fs-6">Type</legend>
          <Form.Check
            type="radio"
            id="tp-new-app-confidential"
            name="tp-new-app-type"
            label="Confidential client: a server that keeps a client secret"
            checked={!isPublic}
            onChange={() => setIsPublic(false)}
          />
          <Form.Check
            type="radio"
            id="tp-new-app-public"
            name="tp-new-app-type"
            label="Public client: a single-page or mobile app (PKCE, no secret)"
            checked={isPublic}
            onChange={() => setIsPublic(true)}
          />
        </fieldset>
        <Form.Group className="mb-3" controlId="tp-new-app-homepage">
          <Form.Label>Homepage URL (optional)</Form.Label>
          <Form.Control type="url" value={homepageUrl} onChange={(e) => setHomepageUrl(e.target.value)} isInvalid={!!errorOf(error, 'homepageUrl')} />
          <Form.Control.Feedback type="invalid">{errorOf(error, 'homepageUrl')}</Form.Control.Feedback>
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-new-app-logout">
          <Form.Label>Sign-out URL (optional)</Form.Label>
          <Form.Control type="url" value={logoutUrl} onChange={(e) => setLogoutUrl(e.target.value)} isInvalid={!!errorOf(error, 'logoutUrl')} />
          <Form.Control.Feedback type="invalid">{errorOf(error, 'logoutUrl')}</Form.Control.Feedback>
        </Form.Group>
        {error && !namesAField(error, fields) ? <Problem error={error} /> : null}
        <div className="d-flex gap-2 flex-wrap">
          <Button variant="primary" type="submit" disabled={busy}>
            Create application
          </Button>
          <Link className="align-self-center" to={`/namespaces/${namespace}`}>
            Cancel and go back to {namespace}
          </Link>
        </div>
      </Form>
    </>
  );
}

/** The first secret of an application just created: shown on its page this once. */
export function FirstSecret({ clientId }: { clientId: string }) {
  const [secret] = useState(() => firstSecrets.get(clientId) ?? null);
  const [shown, setShown] = useState(true);
  useEffect(() => {
    firstSecrets.delete(clientId);
  }, [clientId]);
  if (!secret || !shown) return null;
  return (
    <div className="tp-secret-once" role="status" data-testid="secret-once">
      <p className="mb-2">
        <strong>The application is created. Copy its client secret now.</strong> TechPass keeps only a digest: it will not be shown again.
        {secret.expiresAt ? ` It expires on ${when(secret.expiresAt)}.` : ''}
      </p>
      <p className="mb-2">
        <span className="tp-code" data-testid="secret-value">
          {secret.value}
        </span>{' '}
        <CopyButton value={secret.value} label="client secret" />
      </p>
      <Button variant="outline-secondary" size="sm" onClick={() => setShown(false)}>
        I have copied it
      </Button>
    </div>
  );
}

/** Every property of an application, saved with If-Match; and its deletion. */
export function ApplicationSettings({
  app,
  etag,
  onSaved,
}: {
  app: Application;
  etag: string | null;
  onSaved: (app: Application, etag: string | null) => void;
}) {
  const [name, setName] = useState(app.name);
  const [homepageUrl, setHomepageUrl] = useState(app.homepageUrl ?? '');
  const [logoutUrl, setLogoutUrl] = useState(app.logoutUrl ?? '');
  const [redirectUris, setRedirectUris] = useState(app.redirectUris.join('\n'));
  const [signInEnabled, setSignInEnabled] = useState(app.signInEnabled);
  const [assignmentRequired, setAssignmentRequired] = useState(app.assignmentRequired);
  const [backchannel, setBackchannel] = useState(app.backchannelLogoutUri ?? '');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const navigate = useNavigate();
  const base = `/namespaces/${app.namespace}/applications/${app.clientId}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const changes = {
      name: name.trim(),
      homepageUrl: homepageUrl.trim() || null,
      logoutUrl: logoutUrl.trim() || null,
      redirectUris: lines(redirectUris),
      signInEnabled,
      assignmentRequired,
      backchannelLogoutUri: backchannel.trim() || null,
    };
    api<Application>('PATCH', base, { body: changes, ifMatch: etag })
      .then(({ body, etag: next }) => {
        onSaved(body, next);
        setSaved(true);
      })
      .catch(setError);
  };
  const input = (field: string, id: string, value: string, set: (v: string) => void, help?: string) => (
    <Form.Group className="mb-3" controlId={id}>
      <Form.Label>{LABELS[field]}</Form.Label>
      <Form.Control
        type={field === 'name' ? 'text' : 'url'}
        value={value}
        onChange={(e) => set(e.target.value)}
        isInvalid={!!errorOf(error, field)}
        {...(help ? { 'aria-describedby': `${id}-help` } : {})}
      />
      {help && <Form.Text id={`${id}-help`}>{help}</Form.Text>}
      <Form.Control.Feedback type="invalid">{errorOf(error, field)}</Form.Control.Feedback>
    </Form.Group>
  );
  return (
    <section aria-labelledby="tp-app-settings">
      <h2 id="tp-app-settings">Settings</h2>
      <Form onSubmit={submit} noValidate>
        {input('name', 'tp-app-name', name, setName)}
        <Form.Group className="mb-3" controlId="tp-app-redirects">
          <Form.Label>Redirect URIs</Form.Label>
          <Form.Control
            as="textarea"
            rows={Math.max(2, app.redirectUris.length + 1)}
            value={redirectUris}
            onChange={(e) => setRedirectUris(e.target.value)}
            aria-describedby="tp-app-redirects-help"
            isInvalid={!!errorOf(error, 'redirectUris')}
          />
          <Form.Text id="tp-app-redirects-help">One per line.</Form.Text>
          <Form.Control.Feedback type="invalid">{errorOf(error, 'redirectUris')}</Form.Control.Feedback>
        </Form.Group>
        {input('homepageUrl', 'tp-app-homepage', homepageUrl, setHomepageUrl, 'Where “My apps” sends people. Leave empty for none.')}
        {input('logoutUrl', 'tp-app-logout', logoutUrl, setLogoutUrl, 'Where TechPass may send people after they sign out. Leave empty for none.')}
        {input(
          'backchannelLogoutUri',
          'tp-app-backchannel',
          backchannel,
          setBackchannel,
          'TechPass posts a logout token here when someone’s session ends. Leave empty for none.',
        )}
        <Form.Check
          type="switch"
          className="mb-2"
          id="tp-app-signin"
          label="Sign-in enabled"
          checked={signInEnabled}
          onChange={(e) => setSignInEnabled(e.target.checked)}
        />
        <Form.Check
          type="switch"
          className="mb-3"
          id="tp-app-assignment"
          label="User assignment required (only assigned people and members of assigned groups may sign in)"
          checked={assignmentRequired}
          onChange={(e) => setAssignmentRequired(e.target.checked)}
        />
        {error && !namesAField(error, Object.keys(LABELS)) ? <SaveProblem error={error} /> : null}
        {saved && (
          <p role="status" className="text-success">
            Saved.
          </p>
        )}
        <Button variant="primary" type="submit">
          Save settings
        </Button>
      </Form>
      <h2>Delete this application</h2>
      <p>Deleting it cannot be undone: its client secrets, certificates and assignments go with it, and it can no longer sign anyone in.</p>
      <ConfirmButton
        label="Delete application"
        title={`Delete ${app.name}?`}
        confirm="Delete application for good"
        onConfirm={async () => {
          await api('DELETE', base, { ifMatch: etag });
          navigate(`/namespaces/${app.namespace}`);
        }}
      >
        <p>
          This is irreversible. {app.name} ({app.clientId}) stops working at once: nobody can sign in to it, its secrets and certificates are removed,
          and its refresh tokens stop working.
        </p>
      </ConfirmButton>
    </section>
  );
}

interface Member {
  type: 'user' | 'group';
  id: string;
  name: string;
  email: string | null;
  since: number;
}

/** A list of people and groups (an application's assignees, a group's members) with add by e-mail or group name, and remove. */
export function MemberList({
  base,
  what,
  heading,
  headingId,
  groups,
  empty,
  onChanged,
}: {
  onChanged?: () => void;
  base: string;
  what: string;
  heading: string;
  headingId: string;
  groups: boolean;
  empty: string;
}) {
  const [items, setItems] = useState<Member[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [kind, setKind] = useState<'email' | 'group'>('email');
  const [value, setValue] = useState('');
  const [addError, setAddError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const load = useCallback(() => {
    get<{ items: Member[] }>(base)
      .then(({ body }) => setItems(body.items))
      .catch(setError);
  }, [base]);
  useEffect(load, [load]);
  const add = (event: FormEvent) => {
    event.preventDefault();
    setAddError(null);
    setDone('');
    api<Member>('POST', base, { body: { [kind]: value.trim() } })
      .then(({ body }) => {
        setValue('');
        setDone(`${body.email ?? body.name} added.`);
        load();
        onChanged?.();
      })
      .catch(setAddError);
  };
  const label = kind === 'email' ? 'E-mail (TechPass ID)' : 'Group name';
  const inputError =
    fieldError(addError, kind, label) ?? fieldError(addError, 'group', label) ?? (addError ? (addError as Error).message : undefined);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      {error ? (
        <Problem error={error} />
      ) : !items ? (
        <Loading what={what} />
      ) : items.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="d-none d-md-table-cell">
                  Kind
                </th>
                <th scope="col">E-mail</th>
                <th scope="col" className="d-none d-md-table-cell">
                  Since
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={`${m.type}-${m.id}`}>
                  <td className={m.type === 'group' ? 'tp-code' : undefined}>{m.name}</td>
                  <td className="d-none d-md-table-cell">{m.type === 'group' ? 'Group' : 'Person'}</td>
                  <td>{m.email ?? (m.type === 'group' ? 'Group' : '—')}</td>
                  <td className="d-none d-md-table-cell">{when(m.since)}</td>
                  <td className="text-end">
                    <ConfirmButton
                      label="Remove"
                      title={`Remove ${m.email ?? m.name}?`}
                      confirm="Remove"
                      onConfirm={async () => {
                        await api('DELETE', `${base}/${m.type === 'group' ? 'groups' : 'users'}/${m.id}`);
                        load();
                        onChanged?.();
                      }}
                    >
                      <p>
                        {m.email ?? m.name} will be taken out of {what}. {m.type === 'group' ? 'Its members lose what the group gave them.' : ''}
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
        {groups && (
          <Form.Group className="col-sm-3" controlId={`${headingId}-kind`}>
            <Form.Label>Add a</Form.Label>
            <Form.Select value={kind} onChange={(e) => setKind(e.target.value as 'email' | 'group')}>
              <option value="email">Person</option>
              <option value="group">Group</option>
            </Form.Select>
          </Form.Group>
        )}
        <Form.Group className={groups ? 'col-sm-6' : 'col-sm-8'} controlId={`${headingId}-value`}>
          <Form.Label>{label}</Form.Label>
          <Form.Control
            type={kind === 'email' ? 'email' : 'text'}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            isInvalid={!!addError}
            placeholder={kind === 'email' ? 'name@agency.gov.sg' : 'e.g. finance-team'}
          />
          <Form.Control.Feedback type="invalid">{inputError}</Form.Control.Feedback>
        </Form.Group>
        <div className="col-sm-3">
          <Button variant="primary" type="submit" disabled={!value.trim()}>
            Add
          </Button>
        </div>
      </Form>
      {done && (
        <p role="status" className="text-success mt-2">
          {done}
        </p>
      )}
    </section>
  );
}

export function Assignments({
  namespace,
  clientId,
  required,
  onChanged,
}: {
  namespace: string;
  clientId: string;
  required: boolean;
  onChanged: () => void;
}) {
  return (
    <>
      <MemberList
        base={`/namespaces/${namespace}/applications/${clientId}/assignments`}
        what="the application’s assignments"
        heading="Assigned people and groups"
        headingId="tp-assignments"
        groups
        empty="Nobody is assigned yet."
        onChanged={onChanged}
      />
      <p className="text-muted">
        {required
          ? 'User assignment is required: only these people, and members of these groups, may sign in.'
          : 'User assignment is not required: everyone with a TechPass account may sign in. Turn it on in Settings to allow only those assigned.'}
      </p>
    </>
  );
}

interface Certificate {
  id: string;
  x5tS256: string;
  x5t: string;
  subject: string;
  notBefore: number;
  expiresAt: number;
  createdAt: number;
}

/** The application's public certificates (for private_key_jwt client assertions): list, upload a PEM, remove. */
export function Certificates({ namespace, clientId, onChanged }: { namespace: string; clientId: string; onChanged: () => void }) {
  const base = `/namespaces/${namespace}/applications/${clientId}/certificates`;
  const [items, setItems] = useState<Certificate[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pem, setPem] = useState('');
  const [addError, setAddError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const load = useCallback(() => {
    get<{ items: Certificate[] }>(base)
      .then(({ body }) => setItems(body.items))
      .catch(setError);
  }, [base]);
  useEffect(load, [load]);
  const readFile = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => setPem(String(reader.result ?? ''));
    reader.onerror = () => setAddError(new Error(`The file ${file.name} could not be read.`));
    reader.readAsText(file);
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    setAddError(null);
    setDone('');
    api<Certificate>('POST', base, { body: { pem: pem.trim() } })
      .then(({ body }) => {
        setPem('');
        setDone(`Certificate ${body.subject} uploaded.`);
        load();
        onChanged();
      })
      .catch(setAddError);
  };
  const pemError = addError ? (fieldError(addError, 'pem', 'Certificate') ?? (addError as Error).message) : undefined;
  return (
    <section aria-labelledby="tp-certificates">
      <h2 id="tp-certificates">Certificates</h2>
      <p>The application signs its client assertions (private_key_jwt) with the private keys of these certificates.</p>
      {error ? (
        <Problem error={error} />
      ) : !items ? (
        <Loading what="certificates" />
      ) : items.length === 0 ? (
        <p>No certificate uploaded.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Thumbprint (x5t#S256)</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>{c.subject}</td>
                  <td className="tp-code">{c.x5tS256}</td>
                  <td>
                    {when(c.expiresAt)}
                    {c.expiresAt < Date.now() ? ' (expired)' : ''}
                  </td>
                  <td className="text-end">
                    <ConfirmButton
                      label="Remove"
                      title="Remove this certificate?"
                      confirm="Remove certificate"
                      onConfirm={async () => {
                        await api('DELETE', `${base}/${c.id}`);
                        load();
                        onChanged();
                      }}
                    >
                      <p>Client assertions signed with the key of {c.subject} are refused at once.</p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <Form onSubmit={add} noValidate>
        <Form.Group className="mb-2" controlId="tp-cert-pem">
          <Form.Label>Certificate (PEM)</Form.Label>
          <Form.Control
            as="textarea"
            rows={4}
            className="tp-code"
            value={pem}
            onChange={(e) => setPem(e.target.value)}
            isInvalid={!!pemError}
            aria-describedby="tp-cert-pem-help"
            placeholder="-----BEGIN CERTIFICATE-----"
          />
          <Form.Text id="tp-cert-pem-help">The public certificate only, never the private key.</Form.Text>
          <Form.Control.Feedback type="invalid">{pemError}</Form.Control.Feedback>
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-cert-file">
          <Form.Label>Or read it from a file</Form.Label>
          <Form.Control type="file" accept=".pem,.crt,.cer,text/plain" onChange={(e) => readFile((e.target as HTMLInputElement).files?.[0])} />
        </Form.Group>
        <Button variant="primary" type="submit" disabled={!pem.trim()}>
          Upload certificate
        </Button>
      </Form>
      {done && (
        <p role="status" className="text-success mt-2">
          {done}
        </p>
      )}
    </section>
  );
}
