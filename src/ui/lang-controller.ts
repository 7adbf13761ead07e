import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { onLangChange } from './i18n';

/** Re-renders its host when the user picks another language. */
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
