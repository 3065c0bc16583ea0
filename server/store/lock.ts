// One process owns a data directory: LOCK, created exclusively, holds its pid. A LOCK whose
// process is gone (a crash, a kill) is taken over; one held by a live process stops the start.
import { readFile, rm, writeFile } from 'node:fs/promises';

export async function acquireLock(file: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new Error(`data directory is in use by process ${pid} (${file}); the embedded store has one server at a time: use --database for replicas`);
    }
    await rm(file, { force: true }); // stale: its process is gone
  }
  throw new Error(`cannot take the lock ${file}`);
}

export async function releaseLock(file: string): Promise<void> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (pid === process.pid) await rm(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
