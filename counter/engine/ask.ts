// The optional question, asked once per program per machine on an interactive terminal: may
// this program share its counts? The default is no, silence is no answer, and whatever the
// user says applies to this program only.
import { type Layout, type Mode, debugLog, defaultRoot, hostProgram, layout, noticeRecord, settled, updateNotice, writeProgramMode } from '../settings/index.js';
import { isCI } from './ci.js';

export interface AskOptions {
  program?: string;
  dir?: string;
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
    const root = options.dir ?? defaultRoot();
    if (!root) return null;
    dirs = layout(root);
    const program = options.program ?? hostProgram().name;
    if (noticeRecord(dirs, program).asked || settled(dirs, program)) return null;
    // Marked before asking, so an interrupted or unanswered question is never repeated: a
    // terminal nobody watches must not stall the tool on every run.
    updateNotice(dirs, program, { asked: true });
    const question = options.question ?? defaultQuestion(program);
    // Loaded here, not at the top: node:readline costs ~1 ms, and most tools never ask.
    const { createInterface } = await import('node:readline');
    const reply = await readLine(createInterface, input, output, `${question} [y/N] `, timeout(options.timeoutMs));
    if (reply === null) {
      output.write('\n');
      return null;
    }
    const mode: Answer = /^\s*y(es)?\s*$/i.test(reply) ? 'on' : 'local';
    writeProgramMode(dirs, program, mode);
    output.write(confirmation(program, mode) + '\n');
    return mode;
  } catch (e) {
    debugLog(dirs, `askToShare: ${(e as Error)?.message ?? e}`);
    return null;
  }
}

function defaultQuestion(program: string): string {
  return `Help improve ${program} by uploading its weekly usage counts (numbers only, nothing personal)?`;
}

function confirmation(program: string, mode: Answer): string {
  return mode === 'on'
    ? `${program} will upload its usage counts. To stop: telemetry off --program ${program}`
    : `${program} keeps its counts on this machine. To share later: telemetry on --program ${program}`;
}

function timeout(ms: number | undefined): number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
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
  ms: number,
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
    const timer = setTimeout(() => finish(null), ms);
    timer.unref();
    rl.on('close', () => finish(null));
    rl.question(prompt, (answer) => finish(answer));
  });
}
