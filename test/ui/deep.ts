// Finding controls the way a user (or assistive tech) sees them, through every open shadow root.

/** Every element under `root` matching `selector`, looking inside shadow roots too. */
export function deepAll<T extends Element = HTMLElement>(root: ParentNode, selector: string): T[] {
  const found: T[] = [...root.querySelectorAll<T>(selector)];
  const inner = root instanceof Element && root.shadowRoot ? [root.shadowRoot] : [];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) inner.push(el.shadowRoot);
  for (const shadow of inner) found.push(...deepAll<T>(shadow, selector));
  return found;
}

/** A button's accessible name as the app gives it: aria-label if set, else its text. */
export function buttonName(b: Element): string {
  return b.getAttribute('aria-label') ?? b.textContent?.trim() ?? '';
}

export function buttonNames(root: ParentNode): string[] {
  return deepAll(root, 'button').map(buttonName);
}

export function deepButton(root: ParentNode, name: string): HTMLButtonElement | undefined {
  return deepAll<HTMLButtonElement>(root, 'button').find((b) => buttonName(b) === name);
}

/** Rendering finished for `el` and every Lit element inside it. */
export async function settled(el: Element): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const pending = [el, ...deepAll(el.shadowRoot ?? el, '*')].map(
      (e) => (e as Element & { updateComplete?: Promise<unknown> }).updateComplete,
    );
    await Promise.all(pending.filter((p): p is Promise<unknown> => p !== undefined));
  }
}
