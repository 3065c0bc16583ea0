// Where everything lives. `layout()` only computes paths; it never touches the disk, so the
// same object serves the counter, the uploader and the CLI, and tests pass their own root.
import { join } from 'node:path';

export interface Layout {
  root: string;
  /** Machine-wide mode, Go's format: `<on|off|local> <YYYY-MM-DD>`. */
  modeFile: string;
  /** Per-program choices made with `telemetry … --program P`. */
  programModesFile: string;
  /** What each program declared when it opened: its own opt-out variable, its command. */
  programsFile: string;
  /** Which programs have shown their notice (and asked their question), by notice version. */
  noticesFile: string;
  localDir: string;
  /** One digit 0–6: the weekday on which this installation's weeks end. */
  weekendsFile: string;
  uploadDir: string;
  /** Only used when the user created it: failures are logged there, nowhere else. */
  debugDir: string;
}

export const ENV_DIR = 'TRANSPARENT_TELEMETRY_DIR';
export const DIR_NAME = 'transparent-telemetry';

export function layout(root: string): Layout {
  const local = join(root, 'local');
  return {
    root,
    modeFile: join(root, 'mode'),
    programModesFile: join(root, 'program-modes.json'),
    noticesFile: join(root, 'notices.json'),
    programsFile: join(root, 'programs.json'),
    localDir: local,
    weekendsFile: join(local, 'weekends'),
    uploadDir: join(root, 'upload'),
    debugDir: join(root, 'debug'),
  };
}

/**
 * The telemetry directory: `$TRANSPARENT_TELEMETRY_DIR`, else `<user config dir>/transparent-telemetry`.
 * Null when no config directory can be determined (then nothing is counted on disk). Like Go's
 * os.UserConfigDir, only the environment says where home is: a process started without HOME
 * (a service, a sandbox) must not write into the home of whichever account it runs as.
 */
export function defaultRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
): string | null {
  const override = env[ENV_DIR];
  if (override) return override;
  const config = userConfigDir(env, platform);
  return config === null ? null : join(config, DIR_NAME);
}

function userConfigDir(env: NodeJS.ProcessEnv, platform: string): string | null {
  const home = env.HOME || env.USERPROFILE;
  if (platform === 'win32') return env.APPDATA || (home ? join(home, 'AppData', 'Roaming') : null);
  if (platform === 'darwin') return home ? join(home, 'Library', 'Application Support') : null;
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && xdg.startsWith('/')) return xdg;
  return home ? join(home, '.config') : null;
}
