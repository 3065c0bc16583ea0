// The settings files that hold one JSON object keyed by program (program-modes.json,
// notices.json, programs.json) are read one way: through the safe reader, and refused whole
// when they are not such an object, so that no caller writes over what it could not read.
import { type Unreadable, isUnreadable, readText } from '../../safeio/index.js';
import { CAPS } from './caps.js';

export type ProgramsObject =
  | { entries: Record<string, unknown>; problem?: undefined }
  | { entries?: undefined; problem: Unreadable };

/** The file's entries (none when it is absent), or why it cannot be used. */
export function readProgramsObject(file: string): ProgramsObject {
  const text = readText(file, CAPS.json);
  if (isUnreadable(text)) return text.absent ? { entries: {} } : { problem: text };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: { file, absent: false, reason: 'is not valid JSON' } };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { problem: { file, absent: false, reason: 'is not a JSON object of programs' } };
  return { entries: data as Record<string, unknown> };
}
