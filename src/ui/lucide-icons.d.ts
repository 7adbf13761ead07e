// Lucide ships types for its index only; each icon module's default export is the same IconNode data.
declare module 'lucide/dist/esm/icons/*.mjs' {
  const node: [tag: string, attrs: Record<string, string | number | undefined>][];
  export default node;
}
