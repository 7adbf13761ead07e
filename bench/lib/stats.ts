// Small numeric helpers, the markdown table every scenario prints, and the result every scenario returns.

export interface ScenarioResult {
  /** The whole markdown report: tables plus the conditions they were measured under. */
  table: string;
  /** One `key=value` line per figure, e.g. `setup_ratio_vs_raw=1.02`. */
  summary: string;
}

/** The report `lines` with the summary line at its end, and the summary on its own. */
export function scenarioResult(lines: readonly string[], summary: string): ScenarioResult {
  return { table: [...lines, '', summary, ''].join('\n'), summary };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–');
