import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';

/** Collects uncaught errors from every page of `context`; a test ends by asserting there were none. */
export function pageErrors(context: BrowserContext): { assertNone(): void } {
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(e.error().message));
  return { assertNone: () => assert.deepEqual(errors, [], 'uncaught errors in the page') };
}
