/** Pieces every sign-in form shares: the flow's action and CSRF token, the problem shown, the way out. */
import { Button } from '@govtechsg/sgds-react';
import type { ReactNode } from 'react';
import { Notice } from './layout.js';

export interface FormContext {
  /** Base path of the flow's endpoints, e.g. /login/<uid>. */
  action: string;
  csrf: string;
  applicationName: string;
}

export function Hidden({ csrf }: { csrf: string }) {
  return <input type="hidden" name="csrf" value={csrf} />;
}

export function Problem({ message }: { message?: string | undefined }) {
  return message ? <Notice variant="danger">{message}</Notice> : null;
}

/** A one-button form that posts `step` of the flow, with `fields` as hidden inputs, shown as a link. */
export function LinkForm({ f, step, fields = {}, children }: { f: FormContext; step: string; fields?: Record<string, string>; children: ReactNode }) {
  return (
    <form method="post" action={`${f.action}/${step}`}>
      <Hidden csrf={f.csrf} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <button type="submit" className="tp-link">
        {children}
      </button>
    </form>
  );
}

/** A form that posts `step` of the flow with the page's main button. */
export function ActionForm({
  f,
  step,
  id,
  label,
  children,
  variant = 'primary',
}: {
  f: FormContext;
  step: string;
  id?: string;
  label: string;
  children?: ReactNode;
  variant?: 'primary' | 'outline-primary';
}) {
  return (
    <form method="post" action={`${f.action}/${step}`} id={id}>
      <Hidden csrf={f.csrf} />
      {children}
      <div className="tp-actions">
        <Button type="submit" variant={variant}>
          {label}
        </Button>
      </div>
    </form>
  );
}

export function Cancel({ f }: { f: FormContext }) {
  return (
    <LinkForm f={f} step="abort">
      Cancel and return to {f.applicationName}
    </LinkForm>
  );
}
