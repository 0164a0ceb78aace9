// Limits on resource tags (https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html and
// the general AWS tagging limits): at most 50 tags, keys 1–128 characters, values up to 256.
import { errors } from '../errors/lambda-error.js';

export const MAX_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** Checks the tags a resource would end up with (for TagResource: the existing ones merged with the new). */
export function checkTags(tags: Readonly<Record<string, string>>): void {
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) {
    throw errors.invalidParameter(
      `A resource can have at most ${MAX_TAGS} tags; this request would give it ${keys.length}.`,
    );
  }
  for (const key of keys) {
    if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) {
      throw errors.invalidParameter(`Tag keys must be 1 to ${MAX_TAG_KEY_LENGTH} characters long: '${key}'.`);
    }
    const value = tags[key] ?? '';
    if (value.length > MAX_TAG_VALUE_LENGTH) {
      throw errors.invalidParameter(
        `Tag values must be at most ${MAX_TAG_VALUE_LENGTH} characters long (tag '${key}').`,
      );
    }
  }
}
