// The optional question, asked once per program per machine on an interactive terminal: may
// this program share its counts? The default is no, silence is no answer, and whatever the
// user says applies to this program only. Like the notice, it speaks about what open()
// resolved (opened.ts).
import {
  type Layout,
  type Mode,
  debugLog,
  noticeRecord,
  settled,
  updateNotice,
  writeProgramMode,
} from '../settings/index.js';
import { isCI } from './ci.js';
import { type Wording, noCommand, shellWord, stopVariables } from './notice.js';
import { resolved } from './opened.js';

export interface AskOptions {
  /** Give up after this long without an answer (default 30 s); nothing is recorded then. */
  timeoutMs?: number;
  /** The question, without the ` [y/N] ` that is always appended. */
  question?: string;
}

export type Answer = Extract<Mode, 'on' | 'local'>;

const DEFAULT_TIMEOUT_MS = 30_000;

/** Resolves to the recorded mode, or null when nothing was asked or answered. Never rejects. */
export async function askToShare(options: AskOptions = {}): Promise<Answer | null> {
  let dirs: Layout | null = null;
  try {
    const input = process.stdin;
    const output = process.stderr;
    if (!input.isTTY || !output.isTTY || isCI()) return null;
    const tool = resolved();
    const program = tool.program;
    dirs = tool.dirs;
    if (!dirs) return null;
    if (noticeRecord(dirs, program).asked || settled(dirs, program, tool.envVar)) return null;
    // Marked before asking, so an interrupted or unanswered question is never repeated: a
    // terminal nobody watches must not stall the tool on every run.
    updateNotice(dirs, program, { asked: true });
    const question = options.question ?? defaultQuestion(program);
    // Loaded here, not at the top: node:readline costs ~1 ms, and most tools never ask.
    const { createInterface } = await import('node:readline');
    const reply = await readLine(
      createInterface,
      input,
      output,
      `${question} [y/N] `,
      timeout(options.timeoutMs),
    );
    if (reply === null) {
      output.write('\n');
      return null;
    }
    const mode: Answer = /^\s*y(es)?\s*$/i.test(reply) ? 'on' : 'local';
    writeProgramMode(dirs, program, mode);
    output.write(confirmation(tool, mode) + '\n');
    return mode;
  } catch (e) {
    debugLog(dirs, `askToShare: ${(e as Error)?.message ?? e}`);
    return null;
  }
}

function defaultQuestion(program: string): string {
  return `Help improve ${program} by sharing its weekly usage counts (numbers only, nothing personal)?`;
}

/**
 * The reply says what was recorded and the way back (`local`, not `off`, withdraws a yes), and
 * whether anything can leave at all: a tool that names no collector sends nothing.
 */
export function confirmation(tool: Wording & { collector?: unknown }, mode: Answer): string {
  const { program, command } = tool;
  if (mode === 'local') {
    return (
      `${program} keeps its counts on this machine. ` +
      (command
        ? `To share them later, run "${command} on".`
        : `To share them later: ${noCommand(tool, 'on')}`)
    );
  }
  const shared = tool.collector
    ? `${program} will send its weekly counts to its vendor's collector, once a week, holding only the counters the vendor's published config lists; nothing counted up to today.` +
      (command ? ` "${command} preview" shows the exact bytes first.` : '')
    : `${program} names no collector yet, so its counts stay on this machine for now.`;
  if (command) return `${shared} To keep them on this machine only, run "${command} local".`;
  return (
    `${shared} To keep them on this machine only, set TRANSPARENT_TELEMETRY=local (or ${stopVariables(tool)} to stop counting); ` +
    `where the standalone "telemetry" command is installed, "telemetry local --program ${shellWord(program)}" records that.`
  );
}

function timeout(timeoutMs: number | undefined): number {
  return typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0
    ? timeoutMs
    : DEFAULT_TIMEOUT_MS;
}

/**
 * One line from the terminal, or null on timeout or end of input. `terminal: false` keeps
 * the tty in cooked mode, so the kernel echoes and Ctrl-C still interrupts the host as usual.
 */
function readLine(
  createInterface: typeof import('node:readline').createInterface,
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  prompt: string,
  timeoutMs: number,
): Promise<string | null> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: false });
    let done = false;
    const finish = (answer: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      rl.close();
      // Released so the host exits when its own work is done, as if we had never read.
      input.pause();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    timer.unref();
    rl.on('close', () => finish(null));
    rl.question(prompt, (answer) => finish(answer));
  });
}
