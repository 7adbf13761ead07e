// Injected (test/webkit/browser.py --script) into every page before its own scripts: keeps the page's
// uncaught errors and unhandled rejections where a test can read them (WebDriver classic has no console or
// error events), so a test can end by asserting there were none, as test/e2e/page-errors.ts does.
(() => {
  const errors = [];
  Object.defineProperty(window, '__pageErrors', { value: errors });
  addEventListener('error', (e) => errors.push(String(e.message || e.error)));
  addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`));
})();
