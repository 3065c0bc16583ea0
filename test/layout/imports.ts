// The import specifiers of a TypeScript or JavaScript source, found by a small lexer rather
// than a regular expression over the text: comments, strings, template literals and regular
// expression literals are skipped as such, so an import written in a comment or a string is
// not one, and every form of a real one is: `import … from`, the side-effect `import 'x'`,
// `import type`, `export … from`, dynamic `import('x')` (also in type positions) and
// `require('x')` (any callee whose name ends in require, such as createRequire's result).

export type ImportKind = 'static' | 'side-effect' | 're-export' | 'dynamic' | 'require';

export interface FoundImport {
  kind: ImportKind;
  specifier: string;
}

type Token = { type: 'word' | 'punct'; text: string } | { type: 'string'; text: string };

/** Words after which a `/` starts a regular expression rather than a division. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
]);

function regexMayStart(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.type === 'string') return false;
  if (previous.type === 'word') return BEFORE_REGEX.has(previous.text);
  return !/^[)\]}]$/.test(previous.text);
}

/** The end (exclusive) of the quoted string starting at `start`, and its unescaped value. */
function readQuoted(source: string, start: number): { end: number; value: string } {
  const quote = source[start];
  let value = '';
  let at = start + 1;
  while (at < source.length && source[at] !== quote && source[at] !== '\n') {
    if (source[at] === '\\') at++;
    value += source[at] ?? '';
    at++;
  }
  return { end: at + 1, value };
}

function skipRegex(source: string, start: number): number {
  let at = start + 1;
  let inClass = false;
  while (at < source.length && source[at] !== '\n') {
    const char = source[at];
    if (char === '\\') at++;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) break;
    at++;
  }
  at++;
  while (/[a-z]/i.test(source[at] ?? '')) at++;
  return at;
}

/** Tokens of the code; a template literal's text is skipped, its `${…}` parts are code. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const templateDepths: number[] = []; // brace depth at which each open template's `${` resumes
  let braces = 0;
  let at = 0;
  const skipTemplateText = (): void => {
    while (at < source.length && source[at] !== '`') {
      if (source[at] === '\\') at += 2;
      else if (source[at] === '$' && source[at + 1] === '{') {
        templateDepths.push(braces++);
        at += 2;
        return;
      } else at++;
    }
    at++;
    tokens.push({ type: 'string', text: '' }); // a template is a value, as a string is
  };
  while (at < source.length) {
    const char = source[at]!;
    const next = source[at + 1];
    if (/\s/.test(char)) at++;
    else if (char === '/' && next === '/')
      at = source.indexOf('\n', at) === -1 ? source.length : source.indexOf('\n', at);
    else if (char === '/' && next === '*')
      at = source.indexOf('*/', at + 2) === -1 ? source.length : source.indexOf('*/', at + 2) + 2;
    else if (char === '"' || char === "'") {
      const quoted = readQuoted(source, at);
      tokens.push({ type: 'string', text: quoted.value });
      at = quoted.end;
    } else if (char === '`') {
      at++;
      skipTemplateText();
    } else if (char === '}' && templateDepths.at(-1) === braces - 1) {
      templateDepths.pop();
      braces--;
      at++;
      skipTemplateText();
    } else if (char === '/' && regexMayStart(tokens.at(-1))) {
      at = skipRegex(source, at);
      tokens.push({ type: 'string', text: '' });
    } else if (/[\w$]/.test(char)) {
      const word = /^[\w$]+/.exec(source.slice(at, at + 200))![0];
      tokens.push({ type: 'word', text: word });
      at += word.length;
    } else {
      if (char === '{') braces++;
      if (char === '}') braces--;
      tokens.push({ type: 'punct', text: char });
      at++;
    }
  }
  return tokens;
}

/** The string that ends an `import … from 'x'` or `export … from 'x'` statement, if any. */
function fromClause(tokens: Token[], start: number): string | null {
  for (let at = start; at < tokens.length; at++) {
    const token = tokens[at]!;
    if (token.type === 'punct' && token.text === ';') return null;
    if (token.type === 'word' && token.text === 'from' && tokens[at + 1]?.type === 'string')
      return tokens[at + 1]!.text;
    // A declaration (`export function from`, `export const x = …`) is not a re-export.
    if (token.type === 'punct' && (token.text === '=' || token.text === '(')) return null;
  }
  return null;
}

function isWord(token: Token | undefined, text?: string): boolean {
  return token?.type === 'word' && (text === undefined || token.text === text);
}

/** Every import in `source`, in order. */
export function findImports(source: string): FoundImport[] {
  const tokens = tokenize(source);
  const found: FoundImport[] = [];
  tokens.forEach((token, index) => {
    const after = tokens[index + 1];
    const afterThat = tokens[index + 2];
    const memberAccess = tokens[index - 1]?.type === 'punct' && tokens[index - 1]!.text === '.';
    if (token.type !== 'word' || memberAccess) return;
    const isCall = after?.type === 'punct' && after.text === '(' && afterThat?.type === 'string';
    if (token.text === 'import' && isCall)
      found.push({ kind: 'dynamic', specifier: afterThat.text });
    else if (/require$/i.test(token.text) && isCall)
      found.push({ kind: 'require', specifier: afterThat.text });
    else if (token.text === 'import' && after?.type === 'string')
      found.push({ kind: 'side-effect', specifier: after.text });
    else if (
      token.text === 'import' &&
      (isWord(after) || after?.text === '{' || after?.text === '*')
    ) {
      const specifier = fromClause(tokens, index + 1);
      if (specifier !== null) found.push({ kind: 'static', specifier });
    } else if (
      token.text === 'export' &&
      (isWord(after, 'type') || after?.text === '{' || after?.text === '*')
    ) {
      const specifier = fromClause(tokens, index + 1);
      if (specifier !== null) found.push({ kind: 're-export', specifier });
    }
  });
  return found;
}
