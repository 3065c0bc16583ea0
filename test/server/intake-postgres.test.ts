// The intake suite on PostgreSQL (a real server: test/server/pg.ts).
import { openPostgresStore } from '../../server/store/postgres.js';
import { intakeSuite } from './intake-suite.js';
import { freshDatabase, skipPg } from './pg.js';

let url = '';
intakeSuite(
  'postgres',
  {
    flags: async () => ['--database', (url = await freshDatabase())],
    open: () => openPostgresStore(url),
  },
  skipPg,
);
