/**
 * The frame of every sign-in page: the Singapore Government masthead, the
 * TechPass header and a card, styled with the Singapore Government Design
 * System (SGDS). Pages render on the server and work without JavaScript.
 */
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

export const ASSETS = '/login/assets';

export function Layout({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · TechPass`}</title>
        <link rel="stylesheet" href={`${ASSETS}/sgds.css`} />
        <link rel="stylesheet" href={`${ASSETS}/techpass.css`} />
      </head>
      <body>
        <div className="tp-masthead">
          <div className="tp-container">A Singapore Government Agency Website</div>
        </div>
        <header className="tp-header">
          <div className="tp-container">
            <span className="tp-logo" aria-hidden="true">
              TP
            </span>
            <span className="tp-brand">TechPass</span>
          </div>
        </header>
        <main className={`tp-main${wide ? ' tp-wide' : ''}`}>
          <div className="card tp-card">
            <div className="card-body">{children}</div>
          </div>
        </main>
        <footer className="tp-footer">
          <div className="tp-container">TechPass · Identity and access for the Singapore Government Tech Stack</div>
        </footer>
      </body>
    </html>
  );
}

/** An SGDS alert, rendered as plain markup (the React Alert renders nothing on the server). */
export function Notice({ variant, children }: { variant: 'danger' | 'warning' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`alert alert-${variant} sgds`} role="alert">
      {children}
    </div>
  );
}

export function renderPage(element: ReactNode): string {
  return `<!doctype html>${renderToStaticMarkup(element)}`;
}
