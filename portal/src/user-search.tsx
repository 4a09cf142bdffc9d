/**
 * An input for a person's TechPass ID that suggests accounts as one types: `GET
 * /users?q=` (a tenant admin sees names and e-mails only), at most 8, after 2
 * characters and a short pause, offered through the browser's own <datalist> (keyboard
 * and screen readers know it). Typing a whole TechPass ID works as before.
 */
import { Form } from '@govtechsg/sgds-react';
import { useEffect, useState } from 'react';
import { get } from './api.js';

interface Found {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
}

export function UserSearchInput({
  id,
  value,
  onChange,
  isInvalid,
  placeholder = 'name@agency.gov.sg',
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  isInvalid?: boolean;
  placeholder?: string;
}) {
  const [found, setFound] = useState<Found[]>([]);
  useEffect(() => {
    const q = value.trim();
    if (q.length < 2) {
      setFound([]);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      get<{ items: Found[] }>(`/users?${new URLSearchParams({ q, limit: '8', status: 'active' })}`)
        .then(({ body }) => current && setFound(body.items))
        // No suggestions is no problem: the TechPass ID can still be typed whole.
        .catch(() => current && setFound([]));
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [value]);
  return (
    <>
      <Form.Control
        type="email"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        isInvalid={isInvalid}
        placeholder={placeholder}
        list={`${id}-found`}
        autoComplete="off"
      />
      <datalist id={`${id}-found`} data-testid={`${id}-found`}>
        {found.map((u) => (
          <option key={u.id} value={u.email}>
            {`${u.givenName} ${u.familyName}`.trim()}
          </option>
        ))}
      </datalist>
    </>
  );
}
