/**
 * The platform admin's audit log: filtered by time, actor, action, namespace and target,
 * newest first, page by page; each event's data on demand; Export saves every matching
 * event as JSON lines. The filters are in the address so Back comes back to them.
 */
import { Button, Form, Table } from '@govtechsg/sgds-react';
import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { download, get } from '../api.js';
import { fieldError, Loading, Notice, Problem } from '../parts.js';

export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: number;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  namespaceId: string | null;
  namespace: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const FILTERS = [
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'Until', type: 'datetime-local' },
  { name: 'actor', label: 'Actor', type: 'text', hint: 'A user ID, cli:<user>, system or anonymous' },
  { name: 'action', label: 'Action', type: 'text', hint: 'For example namespace.created' },
  { name: 'namespace', label: 'Namespace', type: 'text', hint: "The namespace's name" },
  { name: 'target', label: 'Target ID', type: 'text' },
] as const;
type Filter = (typeof FILTERS)[number]['name'];

/** The API's query for the filters in the address: a local date-time input becomes an instant. */
function apiQuery(params: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const { name, type } of FILTERS) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    const instant = type === 'datetime-local' ? new Date(value) : null;
    query.set(name, instant && !Number.isNaN(instant.getTime()) ? instant.toISOString() : value);
  }
  return query;
}

const exact = (ms: number) => new Date(ms).toLocaleString('en-SG', { dateStyle: 'medium', timeStyle: 'medium' });
const today = () => new Date().toISOString().slice(0, 10);

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filterKey = params.toString();
  const [draft, setDraft] = useState<Record<Filter, string>>(() => draftOf(params));
  const [items, setItems] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exported, setExported] = useState<string | null>(null);

  const fetchPage = (cursor: string | null) => {
    const query = apiQuery(params);
    query.set('limit', '50');
    if (cursor) query.set('cursor', cursor);
    return get<{ items: AuditEvent[]; nextCursor: string | null }>(`/audit?${query}`);
  };

  useEffect(() => {
    setItems(null);
    setError(null);
    setOpen(new Set());
    setExported(null);
    setExportError(null);
    setDraft(draftOf(params));
    fetchPage(null)
      .then(({ body }) => {
        setItems(body.items);
        setNext(body.nextCursor);
      })
      .catch(setError);
  }, [filterKey]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const wanted = new URLSearchParams();
    for (const { name } of FILTERS) if (draft[name].trim()) wanted.set(name, draft[name].trim());
    setParams(wanted);
  };

  const loadMore = () => {
    setMore(true);
    fetchPage(next)
      .then(({ body }) => {
        setItems((now) => [...(now ?? []), ...body.items]);
        setNext(body.nextCursor);
      })
      .catch(setError)
      .finally(() => setMore(false));
  };

  const exportAll = () => {
    setExporting(true);
    setExportError(null);
    setExported(null);
    download(`/audit/export?${apiQuery(params)}`)
      .then((blob) => {
        const name = `techpass-audit-${today()}.jsonl`;
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = name;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        setExported(name);
      })
      .catch(setExportError)
      .finally(() => setExporting(false));
  };

  const toggle = (id: string) =>
    setOpen((now) => {
      const changed = new Set(now);
      if (changed.has(id)) changed.delete(id);
      else changed.add(id);
      return changed;
    });

  // The API names the query ("The querystring is not valid at from: …"): the label says enough.
  const errors = Object.fromEntries(
    FILTERS.map(({ name, label }) => [name, fieldError(error, name, label)?.replace(/^The querystring is not valid at /i, '')]),
  ) as Record<Filter, string | undefined>;
  const fieldProblem = FILTERS.some(({ name }) => errors[name]);
  return (
    <>
      <h1>Audit log</h1>
      <p>Every change made in TechPass, newest first. Export saves every event that matches the filters, oldest first, one JSON object a line.</p>
      <Form onSubmit={search} noValidate className="row g-3 align-items-start mb-3" role="search" aria-label="Audit log">
        {FILTERS.map((f) => (
          <Form.Group key={f.name} className="col-md-4 col-lg-2" controlId={`tp-audit-${f.name}`}>
            <Form.Label>{f.label}</Form.Label>
            <Form.Control
              type={f.type}
              value={draft[f.name]}
              maxLength={f.type === 'text' ? 200 : undefined}
              onChange={(e) => setDraft((now) => ({ ...now, [f.name]: e.target.value }))}
              isInvalid={!!errors[f.name]}
              aria-describedby={'hint' in f ? `tp-audit-${f.name}-hint` : undefined}
            />
            {'hint' in f && (
              <Form.Text id={`tp-audit-${f.name}-hint`} className="text-muted">
                {f.hint}
              </Form.Text>
            )}
            {errors[f.name] && <Form.Control.Feedback type="invalid">{errors[f.name]}</Form.Control.Feedback>}
          </Form.Group>
        ))}
        <div className="col-12 d-flex flex-wrap gap-2">
          <Button variant="primary" type="submit">
            Filter
          </Button>
          {filterKey && (
            <Button variant="outline-primary" onClick={() => setParams(new URLSearchParams())}>
              Clear filters
            </Button>
          )}
          <Button variant="outline-primary" onClick={exportAll} disabled={exporting || fieldProblem}>
            {exporting ? 'Exporting…' : 'Export'}
          </Button>
        </div>
      </Form>
      {exportError ? <Problem error={exportError} /> : null}
      {exported && <Notice variant="success">Saved the matching events as {exported}.</Notice>}
      {error && !fieldProblem ? (
        <Problem error={error} />
      ) : !items ? (
        error ? null : (
          <Loading what="the audit log" />
        )
      ) : items.length === 0 ? (
        <p role="status">No event matches these filters.</p>
      ) : (
        <>
          <div className="tp-table-wrap">
            <Table responsive>
              <caption className="visually-hidden">Audit events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col" className={WIDE}>
                    Actor
                  </th>
                  <th scope="col">Action</th>
                  <th scope="col" className={WIDE}>
                    Target
                  </th>
                  <th scope="col" className={WIDE}>
                    Namespace
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <Fragment key={e.id}>
                    <tr>
                      <td>
                        <span className="d-block text-nowrap">{new Date(e.occurredAt).toLocaleDateString('en-SG', { dateStyle: 'medium' })}</span>{' '}
                        <span className="d-block text-nowrap">{new Date(e.occurredAt).toLocaleTimeString('en-SG', { timeStyle: 'medium' })}</span>
                      </td>
                      <td className={`font-monospace ${WIDE}`}>{e.actor}</td>
                      <td className="font-monospace">
                        <Action name={e.action} />
                      </td>
                      <td className={WIDE}>
                        <Target event={e} />
                      </td>
                      <td className={WIDE}>
                        <Namespace event={e} />
                      </td>
                      <td>
                        <Button
                          variant="outline-primary"
                          size="sm"
                          className="text-nowrap"
                          aria-expanded={open.has(e.id)}
                          aria-controls={`tp-audit-data-${e.id}`}
                          onClick={() => toggle(e.id)}
                        >
                          {open.has(e.id) ? 'Hide' : 'Details'}
                          <span className="visually-hidden">
                            {' '}
                            {open.has(e.id) ? 'the details' : ''} of {e.action} at {exact(e.occurredAt)}
                          </span>
                        </Button>
                      </td>
                    </tr>
                    {open.has(e.id) && (
                      <tr id={`tp-audit-data-${e.id}`}>
                        <td colSpan={6}>
                          <dl className="tp-dl small mb-2 d-md-none">
                            <dt>Actor</dt>
                            <dd className="font-monospace">{e.actor}</dd>
                            <dt>Target</dt>
                            <dd>
                              <Target event={e} />
                            </dd>
                            <dt>Namespace</dt>
                            <dd>
                              <Namespace event={e} />
                            </dd>
                          </dl>
                          <p className="small mb-1">
                            Event {e.seq} · <span className="tp-code">{e.id}</span>
                            {e.ip ? (
                              <>
                                {' '}
                                · from <span className="tp-code">{e.ip}</span>
                              </>
                            ) : null}
                          </p>
                          <pre className="bg-light border rounded p-2 mb-0 small" tabIndex={0} aria-label={`Data of ${e.action}`}>
                            {JSON.stringify(e.data, null, 2)}
                          </pre>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </Table>
          </div>
          {next && (
            <Button variant="outline-primary" onClick={loadMore} disabled={more}>
              {more ? 'Loading…' : 'More'}
            </Button>
          )}
        </>
      )}
    </>
  );
}

/** Columns a phone leaves to the details (the table keeps time, action and the toggle). */
const WIDE = 'd-none d-md-table-cell';

/** An action's name, breakable after its dots only (`namespace.<wbr>created`): a phone's column is narrow. */
function Action({ name }: { name: string }) {
  return (
    <span className="text-nowrap">
      {name.split('.').map((part, i) => (
        <Fragment key={i}>
          {i > 0 && (
            <>
              .<wbr />
            </>
          )}
          {part}
        </Fragment>
      ))}
    </span>
  );
}

function Target({ event: e }: { event: AuditEvent }) {
  if (!e.targetType && !e.targetId) return <>—</>;
  return (
    <>
      {e.targetType ? `${e.targetType} ` : ''}
      {e.targetId && <span className="tp-code">{e.targetId}</span>}
    </>
  );
}

function Namespace({ event: e }: { event: AuditEvent }) {
  if (e.namespace) return <>{e.namespace}</>;
  return e.namespaceId ? <span className="tp-code">{e.namespaceId}</span> : <>—</>;
}

function draftOf(params: URLSearchParams): Record<Filter, string> {
  return Object.fromEntries(FILTERS.map(({ name }) => [name, params.get(name) ?? ''])) as Record<Filter, string>;
}
