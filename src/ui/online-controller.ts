import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Tracks navigator.onLine so the shell can say why calls are unavailable instead of failing silently. */
export class OnlineController implements ReactiveController {
  online = typeof navigator === 'undefined' ? true : navigator.onLine;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  private readonly update = () => {
    this.online = navigator.onLine;
    this.host.requestUpdate();
  };

  hostConnected(): void {
    this.online = navigator.onLine;
    addEventListener('online', this.update);
    addEventListener('offline', this.update);
  }

  hostDisconnected(): void {
    removeEventListener('online', this.update);
    removeEventListener('offline', this.update);
  }
}
