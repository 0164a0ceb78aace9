// Reading AWS rest-json request bodies: parse the JSON object and read typed members from it.
// Lambda answers a body that is not JSON, or a member of the wrong JSON type, with
// 400 InvalidRequestContentException "Could not parse request body into json: …" (its
// deserializer's wording); unknown members are ignored, as AWS ignores them.
import { errors, type LambdaError } from '../errors/lambda-error.js';

export type JsonObject = Readonly<Record<string, unknown>>;

function parseError(detail: string): LambdaError {
  return errors.invalidRequestContent(`Could not parse request body into json: ${detail}`);
}

/** Parses a request body that must be a JSON object; an empty body counts as `{}`. */
export function parseJsonObject(body: Buffer): JsonObject {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw parseError(error instanceof Error ? error.message : String(error));
  }
  if (!isObject(value)) throw parseError(`Cannot deserialize the request from ${describe(value)}, expected an object`);
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `String value ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} value ${String(value)}`;
}

function wrongType(path: string, expected: string, value: unknown): LambdaError {
  return parseError(`Cannot deserialize value of type ${expected} from ${describe(value)} (member ${path})`);
}

/** Typed access to the members of one JSON object; `path` names it in error messages. */
export class JsonReader {
  constructor(
    private readonly members: JsonObject,
    private readonly path = '',
  ) {}

  private at(member: string): string {
    return this.path === '' ? member : `${this.path}.${member}`;
  }

  /** A member that is absent or null reads as undefined, as AWS treats an explicit null. */
  private raw(member: string): unknown {
    const value = this.members[member];
    return value === null ? undefined : value;
  }

  string(member: string): string | undefined {
    const value = this.raw(member);
    if (value === undefined || typeof value === 'string') return value;
    throw wrongType(this.at(member), 'String', value);
  }

  integer(member: string): number | undefined {
    const value = this.raw(member);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw wrongType(this.at(member), 'Integer', value);
  }

  boolean(member: string): boolean | undefined {
    const value = this.raw(member);
    if (value === undefined || typeof value === 'boolean') return value;
    throw wrongType(this.at(member), 'Boolean', value);
  }

  object(member: string): JsonReader | undefined {
    const value = this.raw(member);
    if (value === undefined) return undefined;
    if (isObject(value)) return new JsonReader(value, this.at(member));
    throw wrongType(this.at(member), 'Object', value);
  }

  stringList(member: string): string[] | undefined {
    const value = this.raw(member);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw wrongType(this.at(member), 'List<String>', value);
    return value.map((item: unknown, index) => {
      if (typeof item !== 'string') throw wrongType(`${this.at(member)}[${index}]`, 'String', item);
      return item;
    });
  }

  stringMap(member: string): Record<string, string> | undefined {
    const value = this.raw(member);
    if (value === undefined) return undefined;
    if (!isObject(value)) throw wrongType(this.at(member), 'Map<String,String>', value);
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') throw wrongType(`${this.at(member)}.${key}`, 'String', item);
      out[key] = item;
    }
    return out;
  }

  numberMap(member: string): Record<string, number> | undefined {
    const value = this.raw(member);
    if (value === undefined) return undefined;
    if (!isObject(value)) throw wrongType(this.at(member), 'Map<String,Double>', value);
    const out: Record<string, number> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'number') throw wrongType(`${this.at(member)}.${key}`, 'Double', item);
      out[key] = item;
    }
    return out;
  }

  /** A base64 blob member (rest-json encodes blobs as base64 strings). */
  blob(member: string): Buffer | undefined {
    const value = this.string(member);
    if (value === undefined) return undefined;
    const compact = value.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw parseError(`Cannot decode the base64 value of member ${this.at(member)}`);
    }
    return Buffer.from(compact, 'base64');
  }
}
