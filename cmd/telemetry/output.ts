// Printing for the telemetry CLI: optional colour, JSON that keeps 64-bit counts exact, CSV
// fields and aligned tables. Everything here returns strings; commands decide where they go.

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

const plain: Style = {
  bold: (text) => text,
  dim: (text) => text,
  green: (text) => text,
  yellow: (text) => text,
  red: (text) => text,
};

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const ansi: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
};

/**
 * Colour only for a person looking at a terminal. NO_COLOR (any non-empty value, see
 * no-color.org) always wins; FORCE_COLOR lets tests and pagers ask for colour without a TTY.
 */
export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false')
    return true;
  return isTTY === true;
}

export function style(color: boolean): Style {
  return color ? ansi : plain;
}

export type Json =
  | null
  | boolean
  | number
  | bigint
  | string
  | Json[]
  | Map<string, Json>
  | { [key: string]: Json | undefined };

/**
 * JSON text where a bigint is written as its exact decimal digits. JSON.stringify cannot do
 * that (it throws on bigint, and a Number above 2^53 is already rounded), and a count can be
 * as large as 18446744073709551615. A Map is written as an object, in its own order.
 */
export function toJson(value: Json, indent = '  ', depth = 0): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const pad = '\n' + indent.repeat(depth + 1);
  const end = '\n' + indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + value.map((item) => pad + toJson(item, indent, depth + 1)).join(',') + end + ']';
  }
  const entries = (value instanceof Map ? [...value] : Object.entries(value)).filter(
    ([, field]) => field !== undefined,
  );
  if (entries.length === 0) return '{}';
  return (
    '{' +
    entries
      .map(
        ([key, field]) =>
          `${pad}${JSON.stringify(key)}: ${toJson(field as Json, indent, depth + 1)}`,
      )
      .join(',') +
    end +
    '}'
  );
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

/** Rows of cells, padded so columns line up; `right` lists the columns aligned right. */
export function table(rows: readonly string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const gap = ' '.repeat((widths[i] ?? 0) - width(cell));
        return right.has(i) ? gap + cell : i === row.length - 1 ? cell : cell + gap;
      })
      .join('  '),
  );
}

/** Display width, ignoring colour codes; close enough for the names counters use. */
function width(text: string): number {
  return [...text.replace(/\x1b\[\d+m/g, '')].length;
}

/** `3 count files`, `1 count file`. */
export function plural(count: number, one: string, many = one + 's'): string {
  return `${count} ${count === 1 ? one : many}`;
}
