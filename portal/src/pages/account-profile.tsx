/**
 * My Account › Profile: the person's own names, mobile, department and business
 * operation (`/me/profile`, PATCH with If-Match). The TechPass ID and the agency are
 * shown, not edited: the first is the sign-in name, the second comes from the agency's
 * own sign-in.
 */
import { Button, Form } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, get } from '../api.js';
import { fieldError, Loading, Notice, Problem } from '../parts.js';

export interface Profile {
  id: string;
  email: string;
  techpassId: string;
  givenName: string;
  familyName: string;
  mobile: string | null;
  agency: string | null;
  department: string | null;
  businessOperation: 'onshore' | 'offshore' | null;
  reportingOfficerEmail: string | null;
  companyAddress: string | null;
  updatedAt: number;
}

/** The form's fields, as the API names them, with the labels people read. */
const LABELS = {
  givenName: 'Given name',
  familyName: 'Family name',
  mobile: 'Mobile number',
  department: 'Department',
  businessOperation: 'Business operation',
  reportingOfficerEmail: 'Reporting officer’s e-mail',
  companyAddress: 'Company address',
} as const;
type Field = keyof typeof LABELS;

const draftOf = (p: Profile): Record<Field, string> => ({
  givenName: p.givenName,
  familyName: p.familyName,
  mobile: p.mobile ?? '',
  department: p.department ?? '',
  businessOperation: p.businessOperation ?? '',
  reportingOfficerEmail: p.reportingOfficerEmail ?? '',
  companyAddress: p.companyAddress ?? '',
});

export function ProfileSection() {
  const [profile, setProfile] = useState<{ value: Profile; etag: string | null } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  // Each load starts the form afresh (a save keeps it, with its "Saved.").
  const [loads, setLoads] = useState(0);
  const load = useCallback(() => {
    setLoads((n) => n + 1);
    setLoadError(null);
    setProfile(null);
    get<Profile>('/me/profile')
      .then(({ body, etag }) => setProfile({ value: body, etag }))
      .catch(setLoadError);
  }, []);
  useEffect(load, [load]);
  return (
    <section aria-labelledby="tp-profile">
      <h2 id="tp-profile">Profile</h2>
      {loadError ? (
        <Problem error={loadError} />
      ) : !profile ? (
        <Loading what="your profile" />
      ) : (
        <ProfileForm key={loads} profile={profile.value} etag={profile.etag} onSaved={(value, etag) => setProfile({ value, etag })} onReload={load} />
      )}
    </section>
  );
}

function ProfileForm({
  profile,
  etag,
  onSaved,
  onReload,
}: {
  profile: Profile;
  etag: string | null;
  onSaved: (p: Profile, etag: string | null) => void;
  onReload: () => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(profile));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const offshore = draft.businessOperation === 'offshore';
  const set = (field: Field) => (event: { target: { value: string } }) => {
    setDraft({ ...draft, [field]: event.target.value });
    setSaved(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    setError(null);
    setBusy(true);
    const body = {
      givenName: draft.givenName,
      familyName: draft.familyName,
      mobile: draft.mobile.trim() || null,
      department: draft.department.trim() || null,
      businessOperation: draft.businessOperation || null,
      // Only an offshore person names a reporting officer and a company address.
      reportingOfficerEmail: offshore ? draft.reportingOfficerEmail.trim() || null : null,
      companyAddress: offshore ? draft.companyAddress.trim() || null : null,
    };
    api<Profile>('PATCH', '/me/profile', { body, ifMatch: etag })
      .then(({ body: next, etag: nextEtag }) => {
        onSaved(next, nextEtag);
        setSaved(true);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  const errors = Object.fromEntries((Object.keys(LABELS) as Field[]).map((f) => [f, fieldError(error, f, LABELS[f])])) as Record<Field, string | undefined>;
  const changedMeanwhile = error instanceof ApiError && error.status === 412;
  const otherError = error && !changedMeanwhile && !Object.values(errors).some(Boolean);

  const input = (field: Field, props: { type?: string; autoComplete?: string; hint?: string; maxLength?: number; as?: 'textarea' } = {}) => (
    <Form.Group className="mb-3" controlId={`tp-profile-${field}`}>
      <Form.Label>{LABELS[field]}</Form.Label>
      <Form.Control
        type={props.type ?? 'text'}
        {...(props.as ? { as: props.as, rows: 3 } : {})}
        value={draft[field]}
        onChange={set(field)}
        isInvalid={!!errors[field]}
        autoComplete={props.autoComplete}
        maxLength={props.maxLength}
        aria-describedby={[props.hint ? `tp-profile-${field}-hint` : '', errors[field] ? `tp-profile-${field}-error` : ''].filter(Boolean).join(' ') || undefined}
      />
      {props.hint && (
        <Form.Text id={`tp-profile-${field}-hint`} className="text-muted">
          {props.hint}
        </Form.Text>
      )}
      {errors[field] && (
        <Form.Control.Feedback type="invalid" id={`tp-profile-${field}-error`}>
          {errors[field]}
        </Form.Control.Feedback>
      )}
    </Form.Group>
  );

  return (
    <>
      <dl className="tp-dl">
        <dt>Agency</dt>
        <dd>{profile.agency ?? 'Not given by your agency’s sign-in'}</dd>
      </dl>
      <p className="text-muted">
        Your TechPass ID is your sign-in name and cannot be changed here; a platform admin can correct it. Your agency comes from your agency’s own
        sign-in.
      </p>
      <Form onSubmit={submit} noValidate className="tp-narrow-form">
        <div className="row">
          <div className="col-md-6">{input('givenName', { autoComplete: 'given-name', maxLength: 100 })}</div>
          <div className="col-md-6">{input('familyName', { autoComplete: 'family-name', maxLength: 100 })}</div>
        </div>
        {input('mobile', { type: 'tel', autoComplete: 'tel', hint: 'With its country code, such as +65 9123 4567.', maxLength: 40 })}
        {input('department', { autoComplete: 'organization-title', maxLength: 100 })}
        <Form.Group className="mb-3" controlId="tp-profile-businessOperation">
          <Form.Label>{LABELS.businessOperation}</Form.Label>
          <Form.Select value={draft.businessOperation} onChange={set('businessOperation')} isInvalid={!!errors.businessOperation} aria-describedby="tp-profile-businessOperation-hint">
            <option value="">Not stated</option>
            <option value="onshore">Onshore (working in Singapore)</option>
            <option value="offshore">Offshore (working outside Singapore)</option>
          </Form.Select>
          <Form.Text id="tp-profile-businessOperation-hint" className="text-muted">
            An offshore person names their reporting officer and their company’s address.
          </Form.Text>
          {errors.businessOperation && <Form.Control.Feedback type="invalid">{errors.businessOperation}</Form.Control.Feedback>}
        </Form.Group>
        {offshore && (
          <>
            {input('reportingOfficerEmail', { type: 'email', maxLength: 254 })}
            {input('companyAddress', { as: 'textarea', autoComplete: 'street-address', maxLength: 300 })}
          </>
        )}
        {changedMeanwhile && (
          <Notice variant="warning">
            <p>Your profile was changed elsewhere since this page loaded, so nothing was saved. Reload it to see the current details, then make your change again.</p>
            <Button variant="outline-primary" size="sm" onClick={onReload}>
              Reload my profile
            </Button>
          </Notice>
        )}
        {otherError ? <Problem error={error} /> : null}
        {saved && (
          <p role="status" className="text-success">
            Saved.
          </p>
        )}
        <Button variant="primary" type="submit" disabled={busy}>
          Save profile
        </Button>
      </Form>
    </>
  );
}
