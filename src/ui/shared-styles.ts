import { css } from 'lit';

export const buttons = css`
  button, select, input { font: inherit; }
  button { min-height: 44px; padding: 0 18px; border-radius: 22px; border: 1px solid var(--line); background: var(--surface); color: var(--text); cursor: pointer; }
  button.primary { background: var(--accent); color: var(--on-accent); border-color: var(--accent); font-weight: 600; }
  button.danger { background: var(--danger); color: #fff; border-color: var(--danger); }
  button[aria-pressed='false'] { background: var(--muted-bg); color: var(--muted-text); }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
