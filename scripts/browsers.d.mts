export const CHROMIUM_PATH: string;
export const FIREFOX_PATH: string;
export const CHROMIUM_QUIET_ARGS: readonly string[];
export const CHROMIUM_ARGS: readonly string[];
export const FIREFOX_PREFS: Readonly<Record<string, boolean | number>>;
