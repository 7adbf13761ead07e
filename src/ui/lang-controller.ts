import { LitElement, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { onLangChange } from './i18n';

/**
 * Re-renders its host when the user picks another language. Every component that renders text has one:
 * a parent rendering again does not reach a child whose properties did not change, and re-creating the
 * screens instead would lose what they hold (a draft, a choice, an open panel, a playing video).
 */
export class LangController implements ReactiveController {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = onLangChange(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
  }
}

/** A component that renders text: it renders again in place, with its state, when the language changes. */
export class LocalizedElement extends LitElement {
  constructor() {
    super();
    new LangController(this);
  }
}
