// `node scripts/param-names.mjs [--list] [--json] [folder…]`: how many function, method and
// arrow parameters in the project's own code have a name of one or two letters, per top-level
// folder, and with --list where each one is. Names that say what they hold are the goal; the
// allowed short names are `_` (and `_`-prefixed: unused), `i`/`j` (indexes), `x`/`y`
// (coordinates) and `a`/`b` in sort comparators.
//
// It parses each file with oxc (rolldown/parseAst, which vitest's toolchain installs), so it
// counts real parameters, TypeScript included. What counts: each name a parameter binds that
// the author chose: plain, defaulted and rest parameters, constructor parameter properties,
// array-pattern elements and renamed object-pattern properties (`{ key: name }`). Shorthand
// destructuring (`{ key }`) is left out: the object's shape chose that name. Type-only
// signatures (interfaces, function types, overload declarations) and catch bindings are not
// parameters of code that runs, so they are left out too. Files: what git tracks or would
// track, less test/fixtures, examples/demo-tool (a sample tool package) and declaration files.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAst } from 'rolldown/parseAst';

const ROOT = relative(process.cwd(), new URL('..', import.meta.url).pathname) || '.';
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIPPED = [
  /^test\/fixtures\//,
  /^examples\/demo-tool\//,
  /(^|\/)(dist|node_modules)\//,
  /\.d\.[mc]?ts$/,
];
const ALWAYS_ALLOWED = new Set(['_', 'i', 'j', 'x', 'y']);
const COMPARATOR_NAMES = new Set(['a', 'b']);
/** A function passed to one of these, or named like one of these, is a sort comparator. */
const SORTING_CALL = /sort/i;
const COMPARATOR_NAME = /^(by[A-Z0-9]|compare|cmp)|Compare|Order$/;
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function projectFiles() {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((file) => SOURCE.test(file) && !SKIPPED.some((pattern) => pattern.test(file)));
}

/** The names a parameter binds that its author chose (see the file comment). */
function chosenNames(param) {
  switch (param?.type) {
    case 'Identifier':
      return param.name === 'this' ? [] : [param];
    case 'AssignmentPattern':
      return chosenNames(param.left);
    case 'RestElement':
      return chosenNames(param.argument);
    case 'TSParameterProperty':
      return chosenNames(param.parameter);
    case 'ArrayPattern':
      return param.elements.flatMap(chosenNames);
    case 'ObjectPattern':
      return param.properties.flatMap((property) => {
        if (property.type === 'RestElement') return chosenNames(property.argument);
        return property.shorthand ? [] : chosenNames(property.value);
      });
    default:
      return [];
  }
}

/** The name a function is known by: its own, or the variable, property or method it is assigned to. */
function functionName(func, parent) {
  const named = func.id ?? parent?.id ?? parent?.key;
  return named?.type === 'Identifier' ? named.name : '';
}

function calleeName(call) {
  const callee = call.callee;
  if (callee?.type === 'Identifier') return callee.name;
  return callee?.type === 'MemberExpression' && !callee.computed ? callee.property.name : '';
}

function isComparator(func, parent) {
  if (parent?.type === 'CallExpression' && parent.arguments.includes(func)) {
    if (SORTING_CALL.test(calleeName(parent))) return true;
  }
  return COMPARATOR_NAME.test(functionName(func, parent));
}

/** Visits every function with a body, with the node that holds it. */
function eachFunction(node, parent, visit) {
  if (FUNCTIONS.has(node.type) && node.body) visit(node, parent);
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && typeof child.type === 'string')
        eachFunction(child, node, visit);
    }
  }
}

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineOf(starts, offset) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/**
 * Every chosen parameter name in a source text, each with its line and whether it is short
 * (one or two letters and not allowed). `file` names the text and decides TypeScript or not.
 */
export function sourceParams(text, file) {
  const lang = /\.[mc]?ts$/.test(file) ? 'ts' : 'js';
  const ast = parseAst(text, { lang, sourceType: 'module' }, file);
  const starts = lineStarts(text);
  const found = [];
  eachFunction(ast, null, (func, parent) => {
    for (const binding of func.params.flatMap(chosenNames)) {
      const name = binding.name;
      const allowed =
        ALWAYS_ALLOWED.has(name) ||
        name.startsWith('_') ||
        (COMPARATOR_NAMES.has(name) && isComparator(func, parent));
      found.push({
        name,
        line: lineOf(starts, binding.start),
        short: name.length <= 2 && !allowed,
      });
    }
  });
  return found;
}

function folderOf(file) {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : '(root)';
}

const percent = (part, whole) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`);

function main(argv) {
  const list = argv.includes('--list');
  const json = argv.includes('--json');
  const only = argv.filter((arg) => !arg.startsWith('--'));
  const inScope = (file) =>
    only.length === 0 ||
    only.some((prefix) => file === prefix || file.startsWith(`${prefix.replace(/\/$/, '')}/`));
  const folders = new Map();
  const offenders = [];
  const failures = [];
  for (const file of projectFiles().filter(inScope)) {
    let params;
    try {
      params = sourceParams(readFileSync(`${ROOT}/${file}`, 'utf8'), file);
    } catch (err) {
      failures.push(`${file}: ${err instanceof Error ? err.message : err}`);
      continue;
    }
    const folder = folders.get(folderOf(file)) ?? { params: 0, short: 0 };
    folders.set(folderOf(file), folder);
    folder.params += params.length;
    for (const param of params.filter((candidate) => candidate.short)) {
      folder.short++;
      offenders.push(`${file}:${param.line} ${param.name}`);
    }
  }
  const sum = (pick) =>
    [...folders]
      .filter(([name]) => pick(name))
      .reduce(
        (total, [, folder]) => ({
          params: total.params + folder.params,
          short: total.short + folder.short,
        }),
        { params: 0, short: 0 },
      );
  const totals = { 'all but test/': sum((name) => name !== 'test'), all: sum(() => true) };
  if (json) {
    console.log(
      JSON.stringify(
        { folders: Object.fromEntries(folders), totals, offenders, failures },
        null,
        1,
      ),
    );
  } else {
    const rows = [...[...folders].sort(([a], [b]) => (a < b ? -1 : 1)), ...Object.entries(totals)];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`${'folder'.padEnd(width)}  params  short  share`);
    for (const [name, { params, short }] of rows) {
      console.log(
        `${name.padEnd(width)}  ${String(params).padStart(6)}  ${String(short).padStart(5)}  ${percent(short, params).padStart(6)}`,
      );
    }
    if (list) for (const offender of offenders) console.log(offender);
    for (const failure of failures) console.error(`not parsed: ${failure}`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

// Run as a script; imported (by its test), it only lends sourceParams.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
