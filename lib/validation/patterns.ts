// Callflow `patterns` and other stored regexes: Kazoo runs them with Erlang `re` (PCRE); we run
// them with JavaScript RegExp. This file translates the PCRE spellings JS lacks and rejects the
// PCRE features JS cannot express, so a pattern is either run with Kazoo's meaning or refused.

/** Thrown by compilePattern for a regex that is invalid or uses PCRE syntax JS cannot run. */
export class PatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid pattern ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'PatternError';
  }
}

// Escapes whose PCRE meaning JS (without the `u` flag) would silently turn into a literal letter.
const UNSUPPORTED_ESCAPES = new Set(['Q', 'E', 'h', 'H', 'R', 'K', 'G', 'X', 'C', 'p', 'P', 'N', 'g', 'o']);

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  blank: ' \\t',
};

type Translation = { source: string; flags: string } | { error: string };

/** PCRE source → JS RegExp source and flags (no `u`: PCRE's lenient escapes like `\*`, `\-` stay valid). */
export function translatePattern(pcre: string): Translation {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([imsx]+)\)/.exec(pcre);
  if (lead) {
    if (lead[1].includes('x')) return { error: 'extended mode (?x) is not supported' };
    flags = [...new Set(lead[1])].join('');
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  let afterQuantifier = false;
  while (i < pcre.length) {
    const c = pcre[i];
    if (c === '\\') {
      const n = pcre[i + 1];
      if (n === undefined) return { error: 'pattern ends with a lone backslash' };
      if (UNSUPPORTED_ESCAPES.has(n)) return { error: `the PCRE escape \\${n} is not supported` };
      if (n === 'x' && pcre[i + 2] === '{') return { error: 'the PCRE escape \\x{...} is not supported' };
      afterQuantifier = false;
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'z') out += '(?![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?=\\n?(?![\\s\\S]))';
      else if (n === 'e') out += '\\x1b';
      else out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && pcre[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(pcre.slice(i));
        if (m) {
          const cls = POSIX_CLASSES[m[2]];
          if (!cls || m[1]) return { error: `the POSIX class [:${m[1]}${m[2]}:] is not supported` };
          out += cls;
          i += m[0].length;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      afterQuantifier = false;
      // PCRE takes a `]` right after `[` or `[^` literally; JS would read `[]` as an empty class.
      const neg = pcre[i + 1] === '^';
      const first = pcre[i + (neg ? 2 : 1)];
      out += neg ? '[^' : '[';
      i += neg ? 2 : 1;
      if (first === ']') {
        out += '\\]';
        i += 1;
      }
      continue;
    }
    if (c === '(' && pcre[i + 1] === '?') {
      afterQuantifier = false;
      const rest = pcre.slice(i);
      const named = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
        continue;
      }
      const backref = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
      if (backref) {
        out += `\\k<${backref[1]}>`;
        i += backref[0].length;
        continue;
      }
      if (rest.startsWith('(?#')) {
        const end = pcre.indexOf(')', i);
        if (end < 0) return { error: 'unterminated (?# comment' };
        i = end + 1;
        continue;
      }
      if (/^\(\?(:|=|!|<=|<!|<[A-Za-z_])/.test(rest)) {
        out += '(?';
        i += 2;
        continue;
      }
      if (rest.startsWith('(?>')) return { error: 'atomic groups (?>...) are not supported' };
      return { error: `the group ${rest.slice(0, 4)}... is not supported` };
    }
    if (c === '+' && afterQuantifier) return { error: 'possessive quantifiers (x++, x*+) are not supported' };
    const isQuantifier: boolean =
      c === '*' || c === '+' || (c === '?' && !afterQuantifier) || (c === '}' && /\{\d+(,\d*)?$/.test(out));
    out += c;
    afterQuantifier = isQuantifier;
    i += 1;
  }
  try {
    new RegExp(out, flags);
  } catch (e) {
    return { error: (e as Error).message.replace(/^Invalid regular expression: /, '') };
  }
  return { source: out, flags };
}

/** Why the pattern cannot be used, or undefined when it is fine. */
export function patternError(pcre: string): string | undefined {
  if (typeof pcre !== 'string') return 'must be a string';
  if (pcre.length === 0) return 'must not be empty';
  const t = translatePattern(pcre);
  return 'error' in t ? t.error : undefined;
}

/** Compiles a stored (PCRE) pattern for matching; throws PatternError when it cannot be used. */
export function compilePattern(pcre: string): RegExp {
  if (pcre === '') throw new PatternError(pcre, 'must not be empty'); // would match every number
  const t = translatePattern(pcre);
  if ('error' in t) throw new PatternError(pcre, t.error);
  return new RegExp(t.source, t.flags);
}
