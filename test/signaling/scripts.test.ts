// npm start once pointed at a file a refactor had moved, and no test noticed: every path a package.json script
// names must exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

test('every file named by a package.json script exists', () => {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const missing: string[] = [];
  for (const [name, command] of Object.entries(scripts)) {
    for (const path of command.match(/[\w./*-]+\.(?:ts|sh|js|mjs|json)\b/g) ?? []) {
      if (!path.includes('*') && !existsSync(path)) missing.push(`${name}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});
