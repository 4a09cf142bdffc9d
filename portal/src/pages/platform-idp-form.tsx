/**
 * The settings form of an integrated identity provider, for adding one and for changing
 * it: each field shows the API's own message when TechPass refuses it. A secret or
 * private key is typed in and sent, never shown back (on change, blank keeps the one set).
 */
import { Button, Form } from '@govtechsg/sgds-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { fieldError } from '../parts.js';

export interface IdentityProvider {
  id: string;
  name: string;
  displayName: string;
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientAuthentication: {
    method: 'client_secret' | 'private_key_jwt';
    secretSet: boolean;
    secretSetAt: number | null;
    certificate: { subject: string; x5t: string; x5tS256: string; alg: string; notAfter: number } | null;
  };
  domains: string[];
  scopes: string[];
  claims: { subject: string };
  endSession: boolean;
  endSessionEndpoint: string | null;
  callbackUrl: string;
  createdAt: number;
  updatedAt: number;
}

type Method = 'client_secret' | 'private_key_jwt';

/** The fields this form owns: a refusal naming another is shown above the button. */
const FIELDS = ['name', 'displayName', 'issuer', 'clientId', 'clientSecret', 'certificatePem', 'privateKeyPem', 'domains', 'scopes', 'claims'];
export const ownFieldError = (error: unknown) => error instanceof ApiError && error.fields.some((f) => FIELDS.includes(f.split('.')[0]!));

/** The API's message for a field, also when zod names an item of it (`domains.0`). */
const errorOf = (error: unknown, field: string, label: string) => {
  if (!(error instanceof ApiError)) return undefined;
  const named = error.fields.find((f) => f === field || f.startsWith(`${field}.`));
  return named ? fieldError(new ApiError(error.status, error.code, error.message, [field]), field, label) : undefined;
};

const list = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

/** The body to send: on change (`provider` given), only what differs, and a secret only when typed. */
function bodyOf(values: Record<string, string | boolean>, method: Method, provider?: IdentityProvider) {
  const body: Record<string, unknown> = {
    ...(provider ? {} : { name: (values.name as string).trim() }),
    displayName: (values.displayName as string).trim(),
    issuer: (values.issuer as string).trim(),
    clientId: (values.clientId as string).trim(),
    domains: list(values.domains as string, /[\s,]+/),
    scopes: list(values.scopes as string, /[\s,]+/),
    claims: { subject: (values.subject as string).trim() },
    endSession: values.endSession,
  };
  if (method === 'client_secret' && values.clientSecret) body.clientSecret = values.clientSecret;
  if (method === 'private_key_jwt' && (values.certificatePem || values.privateKeyPem || !provider)) {
    body.certificatePem = values.certificatePem;
    body.privateKeyPem = values.privateKeyPem;
  }
  if (!provider) return body;
  const same = (key: string, value: unknown) => JSON.stringify((provider as unknown as Record<string, unknown>)[key]) === JSON.stringify(value);
  for (const key of ['displayName', 'issuer', 'clientId', 'domains', 'scopes', 'endSession']) if (same(key, body[key])) delete body[key];
  if ((body.claims as { subject: string }).subject === provider.claims.subject) delete body.claims;
  return body;
}

export function ProviderForm({
  provider,
  submitLabel,
  error,
  onSubmit,
  children,
}: {
  provider?: IdentityProvider;
  submitLabel: string;
  error: unknown;
  onSubmit: (body: Record<string, unknown>) => void;
  /** Shown above the button: a refusal not about one field, a saved note. */
  children?: ReactNode;
}) {
  const [values, setValues] = useState<Record<string, string | boolean>>({
    name: '',
    displayName: provider?.displayName ?? '',
    issuer: provider?.issuer ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
    certificatePem: '',
    privateKeyPem: '',
    domains: provider?.domains.join('\n') ?? '',
    scopes: provider?.scopes.join(' ') ?? 'openid email profile',
    subject: provider?.claims.subject ?? 'sub',
    endSession: provider?.endSession ?? false,
  });
  const [method, setMethod] = useState<Method>(provider?.clientAuthentication.method ?? 'client_secret');
  const set = (key: string) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(bodyOf(values, method, provider));
  };
  const id = provider ? 'tp-idp-edit' : 'tp-idp-new';
  const text = (key: string, label: string, help?: string, options: { as?: 'textarea'; rows?: number; type?: string; field?: string } = {}) => {
    const message = errorOf(error, options.field ?? key, label);
    return (
      <Form.Group className="mb-3" controlId={`${id}-${key}`}>
        <Form.Label>{label}</Form.Label>
        <Form.Control
          {...(options.as ? { as: options.as, rows: options.rows ?? 3 } : { type: options.type ?? 'text' })}
          value={values[key] as string}
          onChange={set(key)}
          isInvalid={!!message}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={message ? true : undefined}
          aria-describedby={[help ? `${id}-${key}-help` : '', message ? `${id}-${key}-error` : ''].join(' ').trim() || undefined}
        />
        {help && <Form.Text id={`${id}-${key}-help`}>{help}</Form.Text>}
        <Form.Control.Feedback type="invalid" id={`${id}-${key}-error`}>
          {message}
        </Form.Control.Feedback>
      </Form.Group>
    );
  };
  const secretSet = provider?.clientAuthentication.method === 'client_secret' && provider.clientAuthentication.secretSet;
  return (
    <Form onSubmit={submit} noValidate>
      {!provider && text('name', 'Name', '3–40 lower-case letters, digits or dashes, e.g. wog-entra. It does not change later.')}
      {text('displayName', 'Display name', 'What people see on the sign-in page, e.g. "WOG (Microsoft Entra ID)".')}
      {text('issuer', 'Issuer', 'Exactly as its discovery document names it, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.', {
        type: 'url',
      })}
      {text('clientId', 'Client ID', 'The client (application) ID the provider gave TechPass.')}
      <fieldset className="mb-3">
        <legend className="form-label fs-6">How TechPass authenticates to the provider</legend>
        <Form.Check
          type="radio"
          id={`${id}-method-secret`}
          name={`${id}-method`}
          label="With a client secret"
          checked={method === 'client_secret'}
          onChange={() => setMethod('client_secret')}
        />
        <Form.Check
          type="radio"
          id={`${id}-method-jwt`}
          name={`${id}-method`}
          label="With a certificate and private key (private_key_jwt)"
          checked={method === 'private_key_jwt'}
          onChange={() => setMethod('private_key_jwt')}
        />
      </fieldset>
      {method === 'client_secret'
        ? text(
            'clientSecret',
            'Client secret',
            secretSet
              ? 'A secret is set (it is never shown). Leave this blank to keep it, or type a new one to replace it.'
              : 'Kept sealed; never shown again.',
            { type: 'password' },
          )
        : [
            <div key="cert">
              {text(
                'certificatePem',
                'Certificate (PEM)',
                provider?.clientAuthentication.certificate
                  ? 'Leave both blank to keep the current certificate; upload the certificate at the provider too.'
                  : 'Upload this certificate at the provider too.',
                { as: 'textarea', rows: 4 },
              )}
            </div>,
            <div key="key">
              {text('privateKeyPem', 'Private key (PEM, unencrypted)', 'Kept sealed; never shown again.', { as: 'textarea', rows: 4 })}
            </div>,
          ]}
      {text(
        'domains',
        'E-mail domains',
        'One per line. People whose e-mail is in these domains sign in here first; *.gov.sg serves every domain below gov.sg.',
        {
          as: 'textarea',
          rows: 3,
        },
      )}
      {text('scopes', 'Scopes', 'Space-separated; openid is required.')}
      {text('subject', 'Subject claim', 'The claim that links an upstream identity to a TechPass account (Entra ID: sub or oid).', {
        field: 'claims',
      })}
      <Form.Check
        className="mb-3"
        id={`${id}-end-session`}
        label="Signing out of TechPass also signs out at the provider"
        checked={values.endSession as boolean}
        onChange={(e) => setValues((v) => ({ ...v, endSession: e.target.checked }))}
      />
      {children}
      <Button variant="primary" type="submit">
        {submitLabel}
      </Button>
    </Form>
  );
}
