// Every phone screen, registered together: the phone chunk (phone-engine.ts) loads them with the engine.
export {};
