/** Small parts every page uses: loading and error states, a confirmation dialog, a copy button, dates. */
import { Button, Modal } from '@govtechsg/sgds-react';
import { useState, type ReactNode } from 'react';
import { ApiError } from './api.js';

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="text-muted">
      Loading {what}…
    </p>
  );
}

/** An error as the person can act on it: the API's message, and the reference to quote. */
export function Problem({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <Notice variant={forbidden ? 'warning' : 'danger'}>
      {forbidden ? 'You may not see this: ' : ''}
      {message}
    </Notice>
  );
}

/** The API's message for `field`, naming it as the form's label does (`displayName` → `Display name`). */
export function fieldError(error: unknown, field: string, label?: string): string | undefined {
  if (!(error instanceof ApiError) || !error.fields.includes(field)) return undefined;
  const message = label ? error.message.replace(new RegExp(`\\b${field}\\b`, 'g'), label) : error.message;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString('en-SG', { dateStyle: 'medium', timeStyle: 'short' }) : '—');

/** A destructive action, confirmed in a dialog first. */
export function ConfirmButton({
  label,
  title,
  children,
  confirm,
  onConfirm,
  variant = 'outline-danger',
  ariaLabel,
}: {
  label: string;
  /** The opening button's accessible name when its label alone is ambiguous (one "Remove" per row). */
  ariaLabel?: string;
  title: string;
  children: ReactNode;
  confirm: string;
  onConfirm: () => Promise<void>;
  /** The opening button's look: destructive by default; `outline-primary` for a confirmed action that is not (approve). */
  variant?: 'outline-danger' | 'outline-primary';
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setOpen(false);
    setError(null);
  };
  return (
    <>
      <Button variant={variant} size="sm" onClick={() => setOpen(true)} {...(ariaLabel ? { 'aria-label': ariaLabel } : {})}>
        {label}
      </Button>
      <Modal show={open} onHide={close} aria-labelledby="tp-confirm-title">
        <Modal.Header closeButton>
          <Modal.Title id="tp-confirm-title">{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {children}
          {error ? <Problem error={error} /> : null}
        </Modal.Body>
        <Modal.Footer>
          <Button variant="outline-secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            variant={variant === 'outline-primary' ? 'primary' : 'danger'}
            disabled={busy}
            onClick={() => {
              setBusy(true);
              onConfirm()
                .then(close)
                .catch(setError)
                .finally(() => setBusy(false));
            }}
          >
            {confirm}
          </Button>
        </Modal.Footer>
      </Modal>
    </>
  );
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="outline-primary"
      size="sm"
      aria-label={`Copy ${label}`}
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}

/** An SGDS alert as markup (the design system's classes; always shown, announced to screen readers). */
export function Notice({ variant, children }: { variant: 'danger' | 'warning' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`alert alert-${variant}`} role={variant === 'danger' || variant === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
