import { css } from 'lit';
import { surface } from '../shared-styles';

/** A phone screen's page: one readable column, centred, that never needs sideways scrolling on a phone. */
export const page = css`
  :host {
    display: block;
    padding: 16px;
    box-sizing: border-box;
  }
  main {
    display: grid;
    gap: 16px;
    max-width: 36rem;
    margin: 0 auto;
    min-width: 0;
  }
  h1 {
    font-size: clamp(1.5rem, 5vw, 2rem);
    margin: 0;
    overflow-wrap: anywhere;
  }
  p {
    margin: 0;
  }
  .hint {
    color: var(--muted-text);
    font-size: 0.95rem;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  .field label {
    font-weight: 600;
  }
  .icon {
    width: 20px;
    height: 20px;
    flex: none;
  }
  button:has(.icon),
  a.button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  /* A link to another screen: a plain link the root routes, as tall as a button for a finger. */
  a.button {
    color: var(--accent);
    font-weight: 600;
    min-height: 44px;
    justify-self: start;
  }
  a.button:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .status {
    display: flex;
    gap: 8px;
    align-items: flex-start;
  }
`;

/** The first letter of a name in a disc, standing in for a photo we never have. */
export const avatar = css`
  .avatar {
    display: grid;
    place-items: center;
    width: 96px;
    height: 96px;
    border-radius: 50%;
    background: var(--accent);
    color: var(--on-accent);
    font-size: 2.5rem;
    font-weight: 600;
    margin: 0 auto;
  }
  .avatar.small {
    width: 40px;
    height: 40px;
    font-size: 1.1rem;
    margin: 0;
    flex: none;
  }
  /* A ring in progress, either way (the screen's main carries .ringing or .calling). */
  .ringing .avatar,
  .calling .avatar {
    animation: pulse 1.6s ease-out infinite;
  }
  @keyframes pulse {
    from {
      box-shadow: 0 0 0 0 color-mix(in srgb, var(--accent) 60%, transparent);
    }
    to {
      box-shadow: 0 0 0 28px transparent;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .ringing .avatar,
    .calling .avatar {
      animation: none;
    }
  }
`;

/**
 * Accept and Decline as a phone shows them: a big coloured disc with the word under it, so colour is never
 * the only clue, and one target covering both.
 */
export const ringButtons = css`
  .ring-actions {
    display: flex;
    justify-content: center;
    gap: 48px;
    flex-wrap: wrap;
  }
  button.ring {
    display: grid;
    justify-items: center;
    gap: 8px;
    min-height: 0;
    padding: 4px;
    border: 0;
    border-radius: 12px;
    background: none;
    color: var(--text);
    font-weight: 600;
  }
  button.ring .disc {
    display: grid;
    place-items: center;
    width: 72px;
    height: 72px;
    border-radius: 50%;
    color: #fff;
  }
  button.ring .icon {
    width: 32px;
    height: 32px;
  }
  button.ring.accept .disc {
    background: var(--ok, #1a7f37);
  }
  button.ring.hang-up .disc {
    background: var(--danger);
  }
  button.ring.hang-up .icon {
    transform: rotate(135deg);
  }
`;

/** A message about trust: what changed, and what to do, with an icon as well as the colour. */
export const trustStyles = css`
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 10px;
    border-radius: 12px;
    background: var(--muted-bg);
    color: var(--text);
    font-size: 0.9rem;
    font-weight: 600;
  }
  .badge .icon {
    width: 16px;
    height: 16px;
  }
  .key-changed {
    display: grid;
    gap: 4px;
    padding: 10px 12px;
    border-radius: 8px;
    background: var(--warn-bg);
    color: var(--warn-text);
    text-align: start;
  }
  .key-changed strong {
    display: flex;
    gap: 6px;
    align-items: center;
  }
`;

/** A labelled on/off switch and the "Are you sure?" dialog: my link's push switch and New link, a contact's Verify and Remove. */
export const switchAndConfirm = css`
  .switch {
    display: flex;
    gap: 12px;
    align-items: center;
    font-weight: 600;
  }
  .switch input {
    width: 24px;
    height: 24px;
    min-height: 0;
  }
  dialog {
    ${surface}
    border-radius: 16px;
    padding: 16px;
    max-width: min(90vw, 360px);
    box-sizing: border-box;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.6);
  }
  dialog .row {
    justify-content: flex-end;
    margin-top: 16px;
  }
`;
