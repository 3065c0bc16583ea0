// A real PostgreSQL for the server's tests: TT_TEST_DATABASE_URL (scripts/test.mjs starts one
// with scripts/ensure-postgres.mjs), else started here the same way; each caller gets a fresh
// database of its own. Without PostgreSQL the tests skip locally and fail in CI.
import { isCI } from 'ci-info';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';

// @ts-expect-error: a plain .mjs script without types
const ensure = (await import('../../scripts/ensure-postgres.mjs')) as {
  start(): Promise<string | null>;
};

const adminUrl = process.env.TT_TEST_DATABASE_URL || (await ensure.start()) || undefined;
export const skipPg = !adminUrl && !isCI;
if (skipPg) console.warn('skipped: PostgreSQL is not installed (apt-get install postgresql)');

const made: string[] = [];
afterAll(async () => {
  if (!adminUrl || made.length === 0) return;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  for (const db of made.splice(0))
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
  await c.end();
});

/** A new empty database; its URL. */
export async function freshDatabase(): Promise<string> {
  if (!adminUrl)
    throw new Error(
      'PostgreSQL is required: install it (apt-get install postgresql) or set TT_TEST_DATABASE_URL',
    );
  const name = `tt_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  made.push(name);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.href;
}
