import { css } from 'lit';

/*
 * Two kinds of shared style live here. Sheets (`buttons`, `roundButtons`, `fields`) go in a component's
 * `static styles = [...]`. Looks (`surface`, `warning`) are declarations that go inside a rule of the
 * component's own css, next to its layout: `article { ${surface} padding: 10px 12px; }`.
 */

/** For components that only own overlays (dialogs, popovers) and take no box of their own. */
export const boxless = css`
  :host {
    display: contents;
  }
`;

/** A raised surface: buttons, fields, cards, dialogs and popovers. */
export const surface = css`
  background: var(--surface);
  color: var(--text);
  border: 1px solid var(--line);
`;

/** A warning in a box: offline, a link that cannot work, a media or connection problem. */
export const warning = css`
  margin: 0;
  padding: 10px 12px;
  border-radius: 8px;
  background: var(--warn-bg);
  color: var(--warn-text);
`;

export const buttons = css`
  button,
  select,
  input {
    font: inherit;
  }
  button {
    min-height: 44px;
    padding: 0 18px;
    border-radius: 22px;
    ${surface}
    cursor: pointer;
  }
  button.primary {
    background: var(--accent);
    color: var(--on-accent);
    border-color: var(--accent);
    font-weight: 600;
  }
  button.danger {
    background: var(--danger);
    color: #fff;
    border-color: var(--danger);
  }
  button[aria-pressed='false'] {
    background: var(--muted-bg);
    color: var(--muted-text);
  }
  button:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** Text fields and selects: as tall as a button, with squarer corners. */
export const fields = css`
  select,
  input {
    min-height: 44px;
    padding: 0 10px;
    border-radius: 8px;
    ${surface}
  }
`;

/**
 * Round icon buttons (the call controls): 48 px targets, the pressed-off state in a contrasting fill, and a
 * tooltip that shows on hover and on keyboard focus (touch screens have no hover, so there it shows on focus
 * only). The tooltip repeats the accessible name and is hidden from assistive tech.
 */
export const roundButtons = css`
  ${buttons}
  button.round {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 48px;
    height: 48px;
    min-height: 48px;
    padding: 0;
    flex: none;
    border-radius: 50%;
    border: 0;
    background: var(--control-bg);
    color: var(--control-text);
  }
  button.round:hover {
    background: var(--control-hover);
  }
  button.round.off {
    background: var(--control-off-bg);
    color: var(--control-off-text);
  }
  button.round[aria-pressed='true']:not(.toggle) {
    background: var(--accent);
    color: var(--on-accent);
  }
  button.round[aria-expanded='true'] {
    background: var(--accent);
    color: var(--on-accent);
  }
  button.round.danger {
    width: 64px;
    border-radius: 24px;
    background: var(--danger);
    color: #fff;
  }
  .tip {
    position: absolute;
    bottom: calc(100% + 10px);
    left: 50%;
    transform: translateX(-50%);
    padding: 4px 8px;
    border-radius: 6px;
    background: var(--tip-bg);
    color: var(--tip-text);
    font-size: 0.8rem;
    white-space: nowrap;
    pointer-events: none;
    opacity: 0;
    transition: opacity 0.12s 0.3s;
    z-index: 1;
  }
  @media (hover: hover) {
    button.round:hover .tip {
      opacity: 1;
    }
  }
  button.round:focus-visible .tip {
    opacity: 1;
    transition-delay: 0s;
  }
`;
