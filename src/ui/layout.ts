// Which tiles a call shows and how they share the screen, as plain functions of the call state and the
// stage's size, so the rules are tested without a browser layout.
import type { CallState, Participant } from '../core/call-store';

export interface TileSpec {
  /** Stable across renders, so a tile (and its playing <video>) is moved, never rebuilt. */
  key: string;
  local: boolean;
  screen: boolean;
  /** The remote participant it shows; absent for our own tiles. */
  peer?: Participant;
}

/**
 * solo: only us, our picture fills the stage. pip: one other person fills it, we are a small movable
 * picture. grid: three or more people share it equally. stage: a shared screen fills most of it, every
 * camera (and any other screen) in a strip beside or below.
 */
export type Mode = 'solo' | 'pip' | 'grid' | 'stage';

/** Everyone's tiles in a fixed order: ours, our screen, then each participant's camera and screen. */
export function tilesOf(s: CallState): TileSpec[] {
  const tiles: TileSpec[] = [{ key: 'self', local: true, screen: false }];
  if (s.localScreen) tiles.push({ key: 'self:screen', local: true, screen: true });
  for (const p of s.participants) {
    tiles.push({ key: p.key, local: false, screen: false, peer: p });
    if (p.screen) tiles.push({ key: `${p.key}:screen`, local: false, screen: true, peer: p });
  }
  return tiles;
}

/** The layout for these tiles, and which one is the big one (null in a grid). */
export function modeOf(tiles: readonly TileSpec[]): { mode: Mode; main: string | null } {
  // Someone else's screen is what people want to see; our own goes on stage only if it is the only one.
  const screen = tiles.find((x) => x.screen && !x.local) ?? tiles.find((x) => x.screen);
  if (screen) return { mode: 'stage', main: screen.key };
  if (tiles.length === 1) return { mode: 'solo', main: tiles[0]?.key ?? null };
  if (tiles.length === 2) return { mode: 'pip', main: tiles.find((x) => !x.local)?.key ?? null };
  return { mode: 'grid', main: null };
}

/**
 * Columns and rows for `n` tiles of about `aspect` in a `width` x `height` box with `gap` between them:
 * the arrangement that makes each tile largest, so every tile fits on screen without scrolling.
 */
export function bestGrid(n: number, width: number, height: number, gap = 8, aspect = 16 / 9): { cols: number; rows: number } {
  let best = { cols: 1, rows: Math.max(1, n), area: -1 };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const w = Math.min(cellW, cellH * aspect);
    const area = w * (w / aspect);
    if (area > best.area) best = { cols, rows, area };
  }
  return { cols: best.cols, rows: best.rows };
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export const CORNERS: readonly Corner[] = ['top-right', 'bottom-right', 'bottom-left', 'top-left'];

/** The corner nearest a point of a `width` x `height` box: where a dragged self-view comes to rest. */
export function nearestCorner(x: number, y: number, width: number, height: number): Corner {
  const v = y < height / 2 ? 'top' : 'bottom';
  const h = x < width / 2 ? 'left' : 'right';
  return `${v}-${h}`;
}
