// The PostgreSQL store against the shared suite, on a real server (test/server/pg.ts).
import { openPostgresStore } from '../../server/store/postgres.js';
import { freshDatabase, skipPg } from './pg.js';
import { storeSuite } from './store-suite.js';

storeSuite(
  'postgres',
  async () => {
    const url = await freshDatabase();
    return { store: await openPostgresStore(url), reopen: () => openPostgresStore(url) };
  },
  skipPg,
);
