// A finished incoming file saves itself, as a browser download does: no "Save" click after "Done, checksum
// verified". Only files kept in browser storage need it (one the user picked in the save dialog is already
// written in place, and has no download link). The row's Save link stays, to save it again.
import type { Transfer } from '../core/files/file-transfer';

export class AutoSave {
  private readonly saved = new Set<string>();

  /** Starts a download for each incoming transfer that has just finished into browser storage. */
  update(transfers: readonly Transfer[]): void {
    for (const x of transfers) {
      if (x.direction !== 'in' || x.state !== 'done' || !x.url || this.saved.has(x.id)) continue;
      this.saved.add(x.id);
      const a = document.createElement('a');
      a.href = x.url;
      a.download = x.name;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
    }
  }
}
