/**
 * A namespace's sign-in log and its vendor accounts, for its tenant admins: two pages
 * under the namespace's (`/namespaces/:namespace/sign-ins`, `/namespaces/:namespace/vendors`).
 * The log: `GET /namespaces/{ns}/sign-ins`, filtered by result and application. Vendors:
 * `GET` and `POST /namespaces/{ns}/vendors` (the TechPass ID goes by e-mail, the
 * activation code by SMS; the portal never sees the code).
 */
import { Badge, Button, Form, Table } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, get } from '../api.js';
import { Loading, Notice, Problem, when } from '../parts.js';
import { SignInTable, useSignIns } from './activity-sign-ins.js';
import type { Application } from './namespace.js';

/** The way back to the namespace's page, above each sub-page's heading. */
function Back({ namespace }: { namespace: string }) {
  return (
    <p className="mb-1">
      <Link to={`/namespaces/${encodeURIComponent(namespace)}`}>{namespace}</Link>
    </p>
  );
}

export function NamespaceSignInsPage() {
  const { namespace = '' } = useParams();
  const [result, setResult] = useState<'' | 'succeeded' | 'failed'>('');
  const [application, setApplication] = useState('');
  const [apps, setApps] = useState<Application[]>([]);
  useEffect(() => {
    get<{ items: Application[] }>(`/namespaces/${encodeURIComponent(namespace)}/applications?limit=200`)
      .then(({ body }) => setApps(body.items))
      .catch(() => setApps([]));
  }, [namespace]);
  const query = new URLSearchParams();
  if (result) query.set('result', result);
  if (application) query.set('application', application);
  const state = useSignIns(`/namespaces/${encodeURIComponent(namespace)}/sign-ins${query.size ? `?${query}` : ''}`);
  const names = new Map(apps.map((a) => [a.clientId, a.name]));
  return (
    <>
      <Back namespace={namespace} />
      <h1>Sign-in log</h1>
      <p>Every sign-in to this namespace’s applications, newest first. Lines are kept for 90 days.</p>
      <Form className="row g-2 mb-3" onSubmit={(e) => e.preventDefault()} aria-label="Filter the sign-in log">
        <Form.Group className="col-sm-4" controlId="tp-log-result">
          <Form.Label>Result</Form.Label>
          <Form.Select value={result} onChange={(e) => setResult(e.target.value as typeof result)}>
            <option value="">All</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </Form.Select>
        </Form.Group>
        <Form.Group className="col-sm-8" controlId="tp-log-application">
          <Form.Label>Application</Form.Label>
          <Form.Select value={application} onChange={(e) => setApplication(e.target.value)}>
            <option value="">All applications</option>
            {apps.map((a) => (
              <option key={a.clientId} value={a.clientId}>
                {a.name}
              </option>
            ))}
          </Form.Select>
        </Form.Group>
      </Form>
      <SignInTable
        state={state}
        what="the sign-in log"
        person
        appName={(id) => names.get(id)}
        empty={result || application ? 'No sign-in matches these filters.' : 'No one has signed in to this namespace’s applications yet.'}
      />
    </>
  );
}

interface Vendor {
  id: string;
  techpassId: string;
  email: string;
  mobile: string | null;
  givenName: string;
  familyName: string;
  status: string;
  activationCode: 'live' | 'expired' | 'used' | 'none' | string;
  activationCodeExpiresAt: number | null;
  createdBy: string;
  createdAt: number;
}

const CODE: Record<string, string> = { live: 'Sent, not used yet', expired: 'Expired', used: 'Used', none: 'None' };
const STATUS: Record<string, string> = {
  pending: 'Pending activation',
  active: 'Active',
  disabled: 'Disabled',
  terminated: 'Terminated',
  under_investigation: 'Under investigation',
  high_risk: 'High risk',
};

const FIELDS = [
  { field: 'email', label: 'E-mail', type: 'email', help: 'Where the vendor’s TechPass ID is sent.', optional: false },
  { field: 'username', label: 'Username', type: 'text', help: 'Their TechPass ID, such as jane_tan: unique across TechPass.', optional: false },
  {
    field: 'mobile',
    label: 'Mobile number',
    type: 'tel',
    help: 'With its country code, such as +65 9123 4567: the activation code goes there by SMS.',
    optional: false,
  },
  { field: 'givenName', label: 'Given name', type: 'text', help: 'Read from a first_last username when left empty.', optional: true },
  { field: 'familyName', label: 'Family name', type: 'text', help: 'Read from a first_last username when left empty.', optional: true },
] as const;
type Field = (typeof FIELDS)[number]['field'];

/**
 * The API's message for a vendor field, the field named by its label where the message
 * names it (`username must…` → `Username must…`), never an internal name
 * (`givenName`), and without the command line's hints.
 */
function vendorFieldError(error: unknown, field: string, label: string): string | undefined {
  if (!(error instanceof ApiError) || !error.fields.includes(field)) return undefined;
  return error.message
    .replace(new RegExp(`^${field}\\b`), label)
    .replace(/\bgivenName\b/g, 'given name')
    .replace(/\bfamilyName\b/g, 'family name')
    .replace(/\s*\(give --[^)]*\)/, '');
}

export function NamespaceVendorsPage() {
  const { namespace = '' } = useParams();
  const [vendors, setVendors] = useState<Vendor[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [values, setValues] = useState<Record<Field, string>>({ email: '', username: '', mobile: '', givenName: '', familyName: '' });
  const [addError, setAddError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Vendor | null>(null);
  const load = useCallback(() => {
    get<{ items: Vendor[] }>(`/namespaces/${encodeURIComponent(namespace)}/vendors`)
      .then(({ body }) => setVendors(body.items))
      .catch(setError);
  }, [namespace]);
  useEffect(load, [load]);
  const add = (event: FormEvent) => {
    event.preventDefault();
    setAddError(null);
    setCreated(null);
    setBusy(true);
    const body: Record<string, string> = { email: values.email.trim(), username: values.username.trim(), mobile: values.mobile.trim() };
    if (values.givenName.trim()) body.givenName = values.givenName.trim();
    if (values.familyName.trim()) body.familyName = values.familyName.trim();
    api<Vendor>('POST', `/namespaces/${encodeURIComponent(namespace)}/vendors`, { body })
      .then(({ body: vendor }) => {
        setCreated(vendor);
        setValues({ email: '', username: '', mobile: '', givenName: '', familyName: '' });
        load();
      })
      .catch(setAddError)
      .finally(() => setBusy(false));
  };
  const errors = Object.fromEntries(FIELDS.map((f) => [f.field, vendorFieldError(addError, f.field, f.label)])) as Record<Field, string | undefined>;
  const general = addError && !(addError instanceof ApiError && FIELDS.some((f) => (addError as ApiError).fields.includes(f.field)));
  return (
    <>
      <Back namespace={namespace} />
      <h1>Vendors</h1>
      <p>Vendor accounts this namespace made. A vendor activates their account with the code sent to their mobile, then sets a password.</p>
      <section aria-labelledby="tp-vendor-list">
        <h2 id="tp-vendor-list" className="visually-hidden">
          Vendor accounts
        </h2>
        {error ? (
          <Problem error={error} />
        ) : !vendors ? (
          <Loading what="vendors" />
        ) : vendors.length === 0 ? (
          <p>This namespace has no vendor accounts yet.</p>
        ) : (
          <div className="tp-table-wrap">
            <Table responsive>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">TechPass ID</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Mobile</th>
                  <th scope="col">Status</th>
                  <th scope="col">Activation code</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {vendors.map((v) => (
                  <tr key={v.id}>
                    <td>
                      {v.givenName} {v.familyName}
                    </td>
                    <td>{v.techpassId}</td>
                    <td>{v.email}</td>
                    <td className="text-nowrap">{v.mobile ?? '—'}</td>
                    <td>
                      <Badge
                        bg={v.status === 'active' ? 'success' : v.status === 'pending' ? 'warning' : 'secondary'}
                        text={v.status === 'pending' ? 'dark' : undefined}
                      >
                        {STATUS[v.status] ?? v.status}
                      </Badge>
                    </td>
                    <td>
                      {CODE[v.activationCode] ?? v.activationCode}
                      {v.activationCode === 'live' && v.activationCodeExpiresAt ? (
                        <div className="small text-muted">until {when(v.activationCodeExpiresAt)}</div>
                      ) : null}
                    </td>
                    <td>{when(v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
        )}
      </section>
      <section aria-labelledby="tp-vendor-new" className="mt-4">
        <h2 id="tp-vendor-new">New vendor</h2>
        {created && (
          <Notice variant="success">
            <strong>
              {created.givenName} {created.familyName}
            </strong>{' '}
            has a pending account. Their TechPass ID, <span className="tp-code">{created.techpassId}</span>, went by e-mail to {created.email}; their
            activation code went by SMS to {created.mobile}
            {created.activationCodeExpiresAt ? <> and works until {when(created.activationCodeExpiresAt)}</> : null}.
          </Notice>
        )}
        <Form onSubmit={add} noValidate>
          <div className="row">
            {FIELDS.map((f) => (
              <Form.Group key={f.field} className="mb-3 col-md-6" controlId={`tp-vendor-${f.field}`}>
                <Form.Label>
                  {f.label}
                  {f.optional ? ' (optional)' : ''}
                </Form.Label>
                <Form.Control
                  type={f.type}
                  value={values[f.field]}
                  onChange={(e) => setValues((v) => ({ ...v, [f.field]: e.target.value }))}
                  isInvalid={!!errors[f.field]}
                  aria-describedby={`tp-vendor-${f.field}-help`}
                  required={!f.optional}
                  autoComplete="off"
                />
                {errors[f.field] && <Form.Control.Feedback type="invalid">{errors[f.field]}</Form.Control.Feedback>}
                <Form.Text id={`tp-vendor-${f.field}-help`}>{f.help}</Form.Text>
              </Form.Group>
            ))}
          </div>
          {general ? <Problem error={addError} /> : null}
          <Button variant="primary" type="submit" disabled={busy}>
            Create vendor
          </Button>
        </Form>
      </section>
    </>
  );
}
