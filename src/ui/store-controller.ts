import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallState, CallStore } from '../core/call-store';

/**
 * Selects a slice of the call state for a component and re-renders it only when that slice changes
 * (compared by identity, which works because the store publishes immutable snapshots).
 */
export class StoreController<T> implements ReactiveController {
  value: T;
  private unsubscribe: (() => void) | undefined;
  private scheduled = false;

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
      if (next === this.value) return;
      this.value = next;
      if (this.scheduled) return;
      // A task, not Lit's microtask: a burst of store changes renders once, and never ahead of the network
      // work that caused it (WebCrypto seals a signaling message in a task of its own; a render queued
      // before it would hold up the answer or candidate it is about to send).
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.host.requestUpdate();
      }, 0);
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
  }
}
