import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { loadSession } from './api.js';
import { App } from './app.js';
import './portal.css';

const root = createRoot(document.getElementById('root')!);

loadSession()
  .then((session) => {
    if (!session) return; // on the way to the sign-in
    root.render(
      <StrictMode>
        <BrowserRouter basename="/portal">
          <App session={session} />
        </BrowserRouter>
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(
      <div className="container py-5" role="alert">
        <h1 className="h3">The portal could not start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        <a className="btn btn-primary" href="/portal/">
          Try again
        </a>
      </div>,
    );
  });
