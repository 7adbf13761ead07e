import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallState, CallStore } from '../core/call-store';

/**
 * Selects a slice of the call state for a component and re-renders it only when that slice changes
 * (compared by identity, which works because the store publishes immutable snapshots).
 */
export class StoreController<T> implements ReactiveController {
  value: T;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: CallStore,
    private readonly select: (s: CallState) => T,
  ) {
    this.value = select(store.get());
    host.addController(this);
  }

  hostConnected(): void {
    this.value = this.select(this.store.get());
    this.unsubscribe = this.store.subscribe((s) => {
      const next = this.select(s);
      if (next !== this.value) {
        this.value = next;
        this.host.requestUpdate();
      }
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
  }
}
