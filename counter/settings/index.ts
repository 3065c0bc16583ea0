// The machine's telemetry settings, shared by counting, the CLI and the uploader: where files
// live, the user's choices, the effective-mode policy and its opt-outs, who the host program
// is, what it already told the user, and the weekly calendar. docs/settings.md and docs/count-file.md (Weeks).
export { DIR_NAME, ENV_DIR, type Layout, defaultRoot, layout } from './dir.js';
export {
  type Span,
  counterSpan,
  dateString,
  parseWeekend,
  readWeekend,
  timeString,
  weekendProblem,
} from './weeks.js';
export {
  type Choice,
  type MachineWrite,
  type Mode,
  type ProgramModes,
  MODES,
  isMode,
  lower,
  rank,
  readMachineMode,
  readProgramModes,
  writeMachineMode,
  writeProgramMode,
} from './mode.js';
export { type Decision, type PolicyInput, type Reason, decide, projectSetting } from './policy.js';
export { ENV_MODE, type EnvOptOut, doNotTrack, envModeCap, envOff, envOverrides } from './env.js';
export {
  type PackageInfo,
  type Program,
  findPackage,
  hostProgram,
  runtimeTag,
  toolEnvVar,
} from './program.js';
export { type ProgramsObject, readProgramsObject } from './json-file.js';
export {
  type Collector,
  type ProgramSettings,
  readPrograms,
  readProgramsFile,
  recordProgram,
} from './programs.js';
export {
  type NoticeRecord,
  noticeRecord,
  noticesProblem,
  readNotices,
  settled,
  updateNotice,
} from './notices.js';
export { CAPS } from './caps.js';
export { debugLog, flushDebug, queueDebug } from './debug.js';
export { wrap } from './wrap.js';
export { type Reports, listReports } from './reports.js';
export {
  type CacheWriter,
  type CompiledModule,
  ENGINE_HASH_MARK,
  codeCacheFile,
  loadWithCodeCache,
} from './code-cache.js';
// The collector-URL rule is safeio's; re-exported for the entry, which may import only this room.
export { checkCollectorUrl } from '../../safeio/index.js';
