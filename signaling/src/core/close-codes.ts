// WebSocket close codes the server sends, in one place so both adapters and the room core agree on them.
// 1009 (a frame far beyond the size limit) is not here: `ws` sends it itself, and the Workers runtime has its own cap.

/** Policy violation: a connection kept flooding after its rate-limit refusals. */
export const CLOSE_POLICY = 1008;

/** A newer connection resumed this connection's peer slot (see rooms.ts, "Resume"). */
export const CLOSE_REPLACED = 4000;
