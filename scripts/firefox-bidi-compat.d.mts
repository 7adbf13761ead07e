// Side effects only: see firefox-bidi-compat.mjs.
export {};
