import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

describe('SQLite checkpoints in the background', () => {
  it('copies committed pages into the database file within a second or two, without a commit paying for it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-checkpoints-')), 'db.sqlite');
    const database = openDatabase({ engine: 'sqlite', file, backgroundCheckpoints: true });
    try {
      await sql`create table filler (body text)`.execute(database.db);
      // About 400 pages: under the 10,000-page backstop, so no commit checkpoints by itself.
      for (let i = 0; i < 200; i += 1) await sql`insert into filler values (${'x'.repeat(6000)})`.execute(database.db);
      expect(statSync(file).size).toBeLessThan(200_000);
      const deadline = Date.now() + 5000;
      while (statSync(file).size < 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
    } finally {
      await database.close();
    }
  });
});
