/**
 * A write found no room in the store: its disk is full. Reads still work, and writes succeed again
 * once space is freed; the exception filter tells the client so (503), not a generic failure.
 */
export class StorageFull extends Error {
  constructor(detail: string) {
    super(`the store is out of space (${detail})`);
    this.name = 'StorageFull';
  }
}
