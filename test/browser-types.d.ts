// The mocha globals that @web/test-runner provides in the browser. @types/mocha is not installed, and
// TypeScript 7 picks up no @types by itself; this is the small subset our browser tests use.
type MochaDone = (error?: unknown) => void;
type MochaFn = (this: MochaContext, done: MochaDone) => void | Promise<unknown>;
type MochaAsyncFn = (this: MochaContext) => void | Promise<unknown>;

interface MochaContext {
  timeout(ms: number): void;
  skip(): never;
}

interface MochaSuite {
  (title: string, fn: (this: MochaContext) => void): void;
  only(title: string, fn: (this: MochaContext) => void): void;
  skip(title: string, fn: (this: MochaContext) => void): void;
}

interface MochaTest {
  (title: string, fn?: MochaAsyncFn | MochaFn): void;
  only(title: string, fn?: MochaAsyncFn | MochaFn): void;
  skip(title: string, fn?: MochaAsyncFn | MochaFn): void;
}

declare const describe: MochaSuite;
declare const it: MochaTest;
declare function before(fn: MochaAsyncFn | MochaFn): void;
declare function after(fn: MochaAsyncFn | MochaFn): void;
declare function beforeEach(fn: MochaAsyncFn | MochaFn): void;
declare function afterEach(fn: MochaAsyncFn | MochaFn): void;
