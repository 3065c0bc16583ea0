// The shape of one stack counter name in a report, checked at intake so that no report makes
// the collector keep more than the config meant: `<prefix>\n<frame>\n<frame>…`, each frame in
// the form a client writes, at most 4096 bytes in all (the count file's name limit, which both
// our client and Go's cut to, ending the name with "\ntruncated\n").
//
// Frames: ours are `<package>[/<module>].<function>:+<offset>` (counter/engine/stack.ts); Go's
// are `<import path>.<function>:+<offset>`, `:-<offset>` or `:=<line>`, and a frame whose path
// repeats the one before it writes `"` for the path. One rule takes both: printable text with
// a `.` before the last `:`, then `+`, `-` or `=` and digits.
//
// Depth: our client cuts each stack to the config's Depth frames before it sends it, so a Node
// report (GoVersion `node…`) is held to exactly that. Go's uploader does not cut: a Go program
// chooses its depth in counter.NewStack, inlined calls add frames beyond it, and Go calls the
// config's Depth informational. A Go report is held to MAX_DEPTH frames (the largest Depth a
// config may state) instead, and to the 4096 bytes; refusing it at the config's Depth would
// make Go drop the whole week's report for one deep stack.
import { MAX_DEPTH } from '../../config/index.js';

/** Bytes in a stack name: the count file's name limit (counter/countfile MAX_NAME_LEN; Go's). */
export const MAX_STACK_NAME_BYTES = 4096;
/** The mark a name cut at the limit ends with; a client cutting to Depth may drop its last `\n`. */
const TRUNCATED = /\ntruncated\n?$/;
const OFFSET = /^(?:\+-?\d{1,9}|-\d{1,9}|=\d{1,9})$/;
const CONTROL = /[\x00-\x1f\x7f]/;

/** `<path>.<function>:<offset>`, checked in linear time (a regex with two open runs is not). */
function isFrame(line: string): boolean {
  const colon = line.lastIndexOf(':');
  if (colon < 0 || !OFFSET.test(line.slice(colon + 1))) return false;
  const dot = line.lastIndexOf('.', colon);
  return dot >= 0 && !CONTROL.test(line);
}

export interface StackLimit {
  /** The config's Depth for the stack's prefix. */
  depth: number;
  /** The entry's GoVersion is not `node…`: Go's uploader sent it. */
  fromGo: boolean;
}

/** Why a stack name is unfit (a sentence naming the limit), or null. */
export function stackProblem(name: string, limit: StackLimit): string | null {
  if (name.length > MAX_STACK_NAME_BYTES || Buffer.byteLength(name) > MAX_STACK_NAME_BYTES) {
    return `is longer than ${MAX_STACK_NAME_BYTES} bytes (the stack name limit)`;
  }
  const mark = TRUNCATED.exec(name);
  const truncated = mark !== null;
  const lines = (mark ? name.slice(0, mark.index) : name).split('\n');
  const frames = lines.length - 1;
  const most = limit.fromGo ? Math.max(limit.depth, MAX_DEPTH) : limit.depth;
  if (frames > most) {
    const rule = limit.fromGo
      ? `at most ${most} frames for a Go client`
      : `the config's Depth is ${limit.depth}`;
    return `has ${frames} frames; ${rule}`;
  }
  // A truncated name's last frame was cut anywhere: only the whole ones before it are checked.
  const whole = truncated ? frames - 1 : frames;
  for (let i = 1; i <= whole; i++) {
    if (!isFrame(lines[i]!)) {
      return `frame ${i} is not in a client's frame form (<path>.<function>:+<offset>)`;
    }
  }
  return null;
}
