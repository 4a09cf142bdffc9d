/** Pieces every sign-in form shares: the flow's action and CSRF token, the problem shown, the way out. */
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

export function Cancel({ f }: { f: FormContext }) {
  return (
    <form method="post" action={`${f.action}/abort`}>
      <Hidden csrf={f.csrf} />
      <button type="submit" className="tp-link">
        Cancel and return to {f.applicationName}
      </button>
    </form>
  );
}
