// Things made once per key and shared by every caller, as promises: a second caller while the first
// is still making it waits for the same promise. A failure is not kept: the next call makes it again.

export class PromiseCache<K, V> {
  private readonly made = new Map<K, Promise<V>>();

  /** The promise for `key`, made by `make` unless one is made or being made. */
  get(key: K, make: () => Promise<V>): Promise<V> {
    let made = this.made.get(key);
    if (made === undefined) {
      made = make();
      this.made.set(key, made);
      made.catch(() => this.made.delete(key));
    }
    return made;
  }

  /** Makes `key` again at its next get(). */
  forget(key: K): void {
    this.made.delete(key);
  }
}
