// Counts bytes as they are extracted and stops the stream the moment the cap is passed, so a
// lying header or a zip bomb never writes more than the cap (LAMBDA-BEHAVIOUR.md A14, D17).
import { errors } from '../errors/lambda-error.js';

export class ByteBudget {
  private spent = 0;

  constructor(private readonly limit: number) {}

  /** Bytes spent so far. */
  get used(): number {
    return this.spent;
  }

  /** Throws `Unzipped size must be smaller than …` once more than the limit has been spent. */
  spend(bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.limit) throw errors.unzippedTooLarge(this.limit);
  }
}
