// Debian 12's Firefox ESR 140 answers "unknown command" to WebDriver BiDi's
// emulation.setScreenOrientationOverride, which puppeteer-core 25 sends from every setViewport (so from every
// web-test-runner session). puppeteer already tolerates the same answer for setTouchOverride; this does the same
// for the orientation, and only for that answer: any other failure still throws. Imported by every Firefox launch.
import { BrowsingContext } from 'puppeteer-core/internal/bidi/core/BrowsingContext.js';

// Taken off the prototype to be called with each context as `this` (apply below): unbound on purpose.
// oxlint-disable-next-line typescript/unbound-method
const original = BrowsingContext.prototype.setScreenOrientationOverride;
if (typeof original === 'function' && !original.tolerant) {
  const tolerant = async function (...args) {
    try {
      return await original.apply(this, args);
    } catch (e) {
      if (String(e instanceof Error ? e.message : e).includes('unknown command')) return undefined;
      throw e;
    }
  };
  tolerant.tolerant = true;
  BrowsingContext.prototype.setScreenOrientationOverride = tolerant;
}
