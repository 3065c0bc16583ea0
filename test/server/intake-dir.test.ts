// The intake suite on the embedded directory store.
import { openDirStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { intakeSuite } from './intake-suite.js';

const data = tempDir('tt-intake-');
intakeSuite('directory', { flags: async () => ['--data', data], open: () => openDirStore(data) });
