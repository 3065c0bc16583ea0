// Opt-outs the environment alone decides, so that a process with counting off can stop here:
// no file read, no engine loaded (hub.ts).
import { toolEnvVar } from './program.js';

export const ENV_MODE = 'TRANSPARENT_TELEMETRY';

/** `DO_NOT_TRACK` and `<TOOL>_TELEMETRY_DISABLED` count as set for any value but empty, `0` or `false`. */
export function doNotTrack(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/**
 * `TRANSPARENT_TELEMETRY` may lower the mode, never raise it: `local` caps at local; `on`
 * (and 1/true/yes) changes nothing; any other non-empty value means off, since a value we
 * do not understand must not be read as consent.
 */
export function envModeCap(value: string | undefined): 'off' | 'local' | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'on' || v === '1' || v === 'true' || v === 'yes') return null;
  return v === 'local' ? 'local' : 'off';
}

/** One variable that lowers the mode right now, as `NAME=value`. */
export interface EnvOptOut {
  source: 'env';
  detail: string;
  mode: 'off' | 'local';
}

/** Every opt-out the environment holds for a program whose own variable is `toolVar`. */
export function* envOverrides(
  env: NodeJS.ProcessEnv,
  toolVar: string | null,
): Generator<EnvOptOut> {
  if (doNotTrack(env.DO_NOT_TRACK))
    yield { source: 'env', detail: `DO_NOT_TRACK=${env.DO_NOT_TRACK}`, mode: 'off' };
  const global = envModeCap(env[ENV_MODE]);
  if (global) yield { source: 'env', detail: `${ENV_MODE}=${env[ENV_MODE]}`, mode: global };
  const own = toolVar ? env[toolVar] : undefined;
  if (doNotTrack(own)) yield { source: 'env', detail: `${toolVar}=${own}`, mode: 'off' };
}

/** The variable that turns counting off for `program` in this environment, as `NAME=value`, or null. */
export function envOff(
  program: string,
  envVar: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  // envOverrides' order and words, without a generator and without deriving the tool's variable
  // when DO_NOT_TRACK already decides: every start with counting off runs this.
  if (doNotTrack(env.DO_NOT_TRACK)) return `DO_NOT_TRACK=${env.DO_NOT_TRACK}`;
  if (envModeCap(env[ENV_MODE]) === 'off') return `${ENV_MODE}=${env[ENV_MODE]}`;
  const toolVar = envVar ?? toolEnvVar(program);
  const own = toolVar ? env[toolVar] : undefined;
  return doNotTrack(own) ? `${toolVar}=${own}` : null;
}
