// Published files of the embedded store: plain files under <data>/published/, beside the
// database, each written whole (temporary file, fsync, rename, fsync of the directory). They are
// rewritten whole at each merge and served as they are; kept out of the database so that a page
// of megabytes never passes through its WAL, and a vendor can serve or copy them as files.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDurable } from './files.js';
import { PUBLISHED_NAME } from './names.js';

export interface PublishedFiles {
  put(name: string, bytes: Uint8Array): Promise<void>;
  get(name: string): Promise<Uint8Array | null>;
  list(prefix: string): Promise<string[]>;
}

export function publishedFiles(root: string): PublishedFiles {
  const base = join(root, 'published');
  return {
    put: async (name, bytes) => writeDurable(pathOf(base, name), bytes),
    async get(name) {
      try {
        return new Uint8Array(await readFile(pathOf(base, name)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR') return null;
        throw e;
      }
    },
    async list(prefix) {
      let names: string[];
      try {
        names = (await readdir(base, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
          .map((entry) => join(entry.parentPath, entry.name).slice(base.length + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      return names.filter((name) => name.startsWith(prefix) && PUBLISHED_NAME.test(name)).sort();
    },
  };
}

function pathOf(base: string, name: string): string {
  if (!PUBLISHED_NAME.test(name)) {
    const why = 'is not a relative path of [A-Za-z0-9._-] parts';
    throw new Error(`published name ${JSON.stringify(name)} ${why}`);
  }
  return join(base, name);
}
