/**
 * A namespace's groups: the list with a creation form (on the namespace's page), and a
 * group's own page (rename and describe with If-Match, delete, its members).
 */
import { Button, Form, Table } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, get } from '../api.js';
import { ConfirmButton, fieldError, Loading, Problem, when } from '../parts.js';
import { MemberList, SaveProblem } from './tenant-application.js';

export interface Group {
  id: string;
  namespace: string;
  name: string;
  qualifiedName: string;
  description: string;
  createdAt: number;
}

const NAME_HELP = 'Lower-case letters, digits, dots, dashes and underscores; at most 63 characters.';
const ownFieldError = (error: unknown) => error instanceof ApiError && (error.fields.includes('name') || error.fields.includes('description'));

/** The namespace's groups and a form to create one (on the namespace's page). */
export function Groups({ namespace }: { namespace: string }) {
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [addError, setAddError] = useState<unknown>(null);
  const navigate = useNavigate();
  const load = useCallback(() => {
    get<{ items: Group[] }>(`/namespaces/${namespace}/groups?limit=200`)
      .then(({ body }) => setGroups(body.items))
      .catch(setError);
  }, [namespace]);
  useEffect(load, [load]);
  const add = (event: FormEvent) => {
    event.preventDefault();
    setAddError(null);
    api<Group>('POST', `/namespaces/${namespace}/groups`, { body: { name: name.trim(), description: description.trim() } })
      .then(({ body }) => navigate(`/namespaces/${namespace}/groups/${body.name}`))
      .catch(setAddError);
  };
  const nameError = fieldError(addError, 'name', 'Name');
  const descriptionError = fieldError(addError, 'description', 'Description');
  return (
    <section aria-labelledby="tp-groups">
      <h2 id="tp-groups">Groups</h2>
      {error ? (
        <Problem error={error} />
      ) : !groups ? (
        <Loading what="groups" />
      ) : groups.length === 0 ? (
        <p>This namespace has no groups yet.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">In tokens as</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.id}>
                  <td>
                    <Link to={`/namespaces/${namespace}/groups/${g.name}`}>{g.name}</Link>
                  </td>
                  <td className="tp-code">{g.qualifiedName}</td>
                  <td>{g.description || '—'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <h3 className="h6 mt-3">New group</h3>
      <Form onSubmit={add} noValidate>
        <Form.Group className="mb-3" controlId="tp-group-new-name">
          <Form.Label>Name</Form.Label>
          <Form.Control value={name} onChange={(e) => setName(e.target.value)} isInvalid={!!nameError} aria-describedby="tp-group-new-name-help" />
          <Form.Text id="tp-group-new-name-help">{NAME_HELP}</Form.Text>
          <Form.Control.Feedback type="invalid">{nameError}</Form.Control.Feedback>
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-group-new-description">
          <Form.Label>Description (optional)</Form.Label>
          <Form.Control value={description} onChange={(e) => setDescription(e.target.value)} isInvalid={!!descriptionError} maxLength={500} />
          <Form.Control.Feedback type="invalid">{descriptionError}</Form.Control.Feedback>
        </Form.Group>
        {addError && !ownFieldError(addError) ? <Problem error={addError} /> : null}
        <Button variant="primary" type="submit" disabled={!name.trim()}>
          Create group
        </Button>
      </Form>
    </section>
  );
}

export function GroupPage() {
  const { namespace = '', group = '' } = useParams();
  const [current, setCurrent] = useState<{ value: Group; etag: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setCurrent(null);
    setError(null);
    get<Group>(`/namespaces/${namespace}/groups/${encodeURIComponent(group)}`)
      .then(({ body, etag }) => setCurrent({ value: body, etag }))
      .catch(setError);
  }, [namespace, group]);
  const back = (
    <p className="text-muted mb-1">
      <Link to={`/namespaces/${namespace}`}>{namespace}</Link> · Group
    </p>
  );
  if (error)
    return (
      <>
        {back}
        <Problem error={error} />
      </>
    );
  if (!current) return <Loading what="the group" />;
  const g = current.value;
  return (
    <>
      {back}
      <h1>{g.name}</h1>
      <dl className="tp-dl">
        <dt>In tokens’ groups claim as</dt>
        <dd className="tp-code">{g.qualifiedName}</dd>
        <dt>Created</dt>
        <dd>{when(g.createdAt)}</dd>
      </dl>
      <GroupSettings group={g} etag={current.etag} onSaved={(value, etag) => setCurrent({ value, etag })} />
      <MemberList
        base={`/namespaces/${namespace}/groups/${g.id}/members`}
        what={`the group ${g.name}`}
        heading="Members"
        headingId="tp-members"
        groups
        empty="This group has no members yet."
      />
    </>
  );
}

function GroupSettings({ group, etag, onSaved }: { group: Group; etag: string | null; onSaved: (g: Group, etag: string | null) => void }) {
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const navigate = useNavigate();
  const base = `/namespaces/${group.namespace}/groups/${group.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    api<Group>('PATCH', base, { body: { name: name.trim(), description: description.trim() }, ifMatch: etag })
      .then(({ body, etag: next }) => {
        onSaved(body, next);
        setSaved(true);
        if (body.name !== group.name) navigate(`/namespaces/${group.namespace}/groups/${body.name}`, { replace: true });
      })
      .catch(setError);
  };
  const nameError = fieldError(error, 'name', 'Name');
  const descriptionError = fieldError(error, 'description', 'Description');
  return (
    <section aria-labelledby="tp-group-settings">
      <h2 id="tp-group-settings">Name and description</h2>
      <Form onSubmit={submit} noValidate>
        <Form.Group className="mb-3" controlId="tp-group-name">
          <Form.Label>Name</Form.Label>
          <Form.Control value={name} onChange={(e) => setName(e.target.value)} isInvalid={!!nameError} aria-describedby="tp-group-name-help" />
          <Form.Text id="tp-group-name-help">{NAME_HELP} Renaming changes the groups claim applications receive.</Form.Text>
          <Form.Control.Feedback type="invalid">{nameError}</Form.Control.Feedback>
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-group-description">
          <Form.Label>Description</Form.Label>
          <Form.Control as="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} isInvalid={!!descriptionError} />
          <Form.Control.Feedback type="invalid">{descriptionError}</Form.Control.Feedback>
        </Form.Group>
        {error && !ownFieldError(error) ? <SaveProblem error={error} /> : null}
        {saved && (
          <p role="status" className="text-success">
            Saved.
          </p>
        )}
        <div className="d-flex gap-2 flex-wrap align-items-center">
          <Button variant="primary" type="submit">
            Save
          </Button>
          <ConfirmButton
            label="Delete group"
            title={`Delete the group ${group.name}?`}
            confirm="Delete group for good"
            onConfirm={async () => {
              await api('DELETE', base, { ifMatch: etag });
              navigate(`/namespaces/${group.namespace}`);
            }}
          >
            <p>
              This cannot be undone. Its members lose what the group gave them: applications assigned to {group.qualifiedName} no longer let them in
              through it, and the group leaves their tokens’ groups claim.
            </p>
          </ConfirmButton>
        </div>
      </Form>
    </section>
  );
}
