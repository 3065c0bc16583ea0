// The intake suite on the embedded SQLite store.
import { openSqliteStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { intakeSuite } from './intake-suite.js';

const data = tempDir('tt-intake-');
intakeSuite('sqlite', { flags: async () => ['--data', data], open: () => openSqliteStore(data) });
