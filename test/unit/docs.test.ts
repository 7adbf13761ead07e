// Docs that can't drift: docs/protocol.md must document every message the code can send, the code map in
// docs/architecture.md must name every file of the call engine and the server, and the docs may only name files
// that exist. The message lists are read from the TypeScript source with the compiler's own checker,
// never copied into this test: a message added to a protocol union fails here until protocol.md has a row for it.
//
// What counts as a protocol: every exported type of a `*protocol.ts` file under src/core or signaling/src (found
// by glob, so the files may move into folders). An object type (or a union of them) whose every member has a
// string-literal `type` or `kind` is a message union; its section of protocol.md is the one whose heading names
// it in backticks, and that section needs a table row per message (`| \`name\` |`) mentioning each field.
// A union of string literals (error codes, cancel reasons) needs each value somewhere in protocol.md.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
// TypeScript 7 (the Go port) has no in-process compiler API: this one drives the bundled tsgo binary over a pipe.
// It is marked unstable, so a TypeScript upgrade may need this file adjusted; it fails loudly then, never silently
// (see the test that every union protocol.md names was found).
import { API, SymbolFlags, type Checker, type Type } from 'typescript/unstable/sync';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROTOCOL_MD = 'docs/protocol.md';
const PROTOCOL_FILES = ['src/core/**/*protocol.ts', 'signaling/src/**/*protocol.ts'];

interface Message {
  name: string;
  fields: string[];
}
interface MessageUnion {
  name: string;
  file: string;
  messages: Message[];
}
interface LiteralUnion {
  name: string;
  file: string;
  values: string[];
}

/** The string values of a literal type or a union of them; null for anything else. */
function literals(t: Type): string[] | null {
  if (t.isStringLiteralType()) return [t.value];
  if (!t.isUnionType()) return null;
  const values: string[] = [];
  for (const member of t.getTypes()) {
    if (!member.isStringLiteralType()) return null;
    values.push(member.value);
  }
  return values;
}

/** One member of a message union: its discriminant's values, each with the member's other fields. */
function messagesOf(checker: Checker, t: Type): Message[] | null {
  const tag = checker.getPropertyOfType(t, 'type') ?? checker.getPropertyOfType(t, 'kind');
  const tagType = tag && checker.getTypeOfSymbol(tag);
  const names = tagType ? literals(tagType) : null;
  if (!tag || !names) return null;
  const fields = checker
    .getPropertiesOfType(t)
    .map((p) => p.name)
    .filter((n) => n !== tag.name);
  return names.map((name) => ({ name, fields }));
}

function readProtocols(): { unions: MessageUnion[]; literalUnions: LiteralUnion[] } {
  // A project of just the protocol files: the app's own tsconfig pulls in the DOM library and all of src/,
  // which took the checker seconds to load instead of a fraction of one. Without the DOM library a field typed
  // `File` is an unresolved type, but its name, all this test reads, is intact.
  const dir = mkdtempSync(join(tmpdir(), 'docs-test-'));
  const config = join(dir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        lib: ['ES2022'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: PROTOCOL_FILES.map((glob) => join(ROOT, glob)),
    }),
  );
  const api = new API({ cwd: ROOT });
  try {
    const project = api.updateSnapshot({ openProjects: [config] }).getProjects()[0];
    assert.ok(project, 'the TypeScript API opened no project');
    const { checker, program } = project;
    const unions: MessageUnion[] = [];
    const literalUnions: LiteralUnion[] = [];
    for (const path of program.getSourceFileNames()) {
      const file = relative(ROOT, path);
      if (file.startsWith('..') || file.includes('node_modules') || !file.endsWith('protocol.ts')) continue;
      const source = program.getSourceFile(path);
      const module = source && checker.getSymbolAtLocation(source);
      if (!module) continue;
      for (const symbol of checker.getExportsOfModule(module)) {
        if (!(symbol.flags & SymbolFlags.TypeAlias)) continue;
        const t = checker.getDeclaredTypeOfSymbol(symbol);
        const values = literals(t);
        if (values) {
          literalUnions.push({ name: symbol.name, file, values });
          continue;
        }
        const members = t.isUnionType() ? t.getTypes() : [t];
        const messages = members.map((m) => messagesOf(checker, m));
        if (messages.every((m): m is Message[] => m !== null)) unions.push({ name: symbol.name, file, messages: messages.flat() });
      }
    }
    return { unions, literalUnions };
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Section {
  heading: string;
  lines: string[];
}

/** Every heading with everything under it, down to the next heading of the same or a higher level. */
function sections(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const headings: { at: number; level: number }[] = [];
  let fenced = false;
  lines.forEach((line, at) => {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^(#+) /.exec(line);
    if (m?.[1]) headings.push({ at, level: m[1].length });
  });
  return headings.map(({ at, level }, i) => {
    const next = headings.slice(i + 1).find((h) => h.level <= level);
    return { heading: lines[at] ?? '', lines: lines.slice(at + 1, next?.at ?? lines.length) };
  });
}

function cells(row: string): string[] {
  return row
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());
}

const word = (name: string): RegExp => new RegExp(`(^|[^\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w-]|$)`);

const { unions, literalUnions } = readProtocols();
const protocolMd = readFileSync(join(ROOT, PROTOCOL_MD), 'utf8');
const protocolSections = sections(protocolMd);

describe(`${PROTOCOL_MD} documents every message`, () => {
  for (const union of unions) {
    test(`\`${union.name}\` (${union.file})`, () => {
      const mine = protocolSections.filter((s) => s.heading.includes(`\`${union.name}\``));
      assert.ok(
        mine.length > 0,
        `${PROTOCOL_MD} has no heading naming \`${union.name}\` (${union.file}): add a section with a table of its messages`,
      );
      const rows = mine
        .flatMap((s) => s.lines)
        .filter((l) => l.startsWith('|'))
        .map(cells);
      const problems: string[] = [];
      for (const { name, fields } of union.messages) {
        const documented = rows.filter((r) => r[0] === `\`${name}\``);
        if (documented.length === 0) {
          problems.push(`\`${name}\` has no row (| \`${name}\` | ...) under the heading naming \`${union.name}\``);
          continue;
        }
        const rest = documented.map((r) => r.slice(1).join(' | '));
        const missing = fields.filter((f) => !rest.some((text) => word(f).test(text)));
        if (missing.length > 0) problems.push(`\`${name}\`'s row does not mention its field(s) ${missing.join(', ')}`);
      }
      if (problems.length > 0) assert.fail(`${PROTOCOL_MD} is behind ${union.file}:\n  ${problems.join('\n  ')}`);
    });
  }

  test('every code and reason (string-literal unions)', () => {
    const missing = literalUnions.flatMap((u) =>
      u.values.filter((v) => !protocolMd.includes(`\`${v}\``)).map((v) => `\`${v}\` (${u.name}, ${u.file})`),
    );
    assert.deepEqual(missing, [], `${PROTOCOL_MD} never mentions these values`);
  });

  test('names no union the code does not have (so a moved or renamed file cannot make this test pass by finding nothing)', () => {
    const known = new Set(unions.map((u) => u.name));
    const named = protocolSections.flatMap((s) => [...s.heading.matchAll(/`([A-Z][A-Za-z0-9]*)`/g)].map((m) => m[1] ?? ''));
    assert.ok(named.length > 0, `${PROTOCOL_MD} names no message union in its headings`);
    assert.deepEqual(
      named.filter((n) => !known.has(n)),
      [],
      `headings of ${PROTOCOL_MD} name unions that no ${PROTOCOL_FILES.join(' or ')} exports`,
    );
  });
});

test('README.md and docs/*.md name only paths that exist', () => {
  const docs = ['README.md', 'docs/architecture.md', 'docs/deploy.md', PROTOCOL_MD];
  const missing: string[] = [];
  for (const doc of docs) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    // Backticked repository paths; placeholders (`file:<id>:0`, `/r/<roomId>`) and globs are not paths.
    for (const [, path] of text.matchAll(/`((?:src|signaling|test|scripts|bench|docs|public)\/[^`\s<>*]*)`/g)) {
      if (path && !existsSync(join(ROOT, path))) missing.push(`${doc}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('docs/architecture.md has a line for every file of src/core and signaling/src', () => {
  const map = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const files = ['src/core', 'signaling/src'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${dir}/${f}`),
  );
  assert.ok(files.length > 0);
  assert.deepEqual(files.filter((f) => !map.includes(`\`${f}\``)).sort(), [], 'add each to the code map with a line saying what it is for');
});
