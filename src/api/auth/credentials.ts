// Who may sign requests: the operator's long-term key (configured, or generated once into the
// data dir) and short-lived session credentials minted for sandboxes, revoked when they go away.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Credential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CredentialResolver {
  lookup(accessKeyId: string): Credential | undefined;
}

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * The operator credential: both configured values win; otherwise `<dataDir>/credentials.json`,
 * generated on first use (mode 0600, put in place atomically, never overwriting another writer's).
 */
export async function loadOperatorCredentials(
  dataDir: string,
  configured: { accessKeyId?: string | undefined; secretAccessKey?: string | undefined },
): Promise<Credential> {
  const { accessKeyId, secretAccessKey } = configured;
  if (accessKeyId !== undefined && secretAccessKey !== undefined) return { accessKeyId, secretAccessKey };
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    throw new Error(
      'Both HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY must be set (or neither, to use the generated ' +
        `credentials in ${path.join(dataDir, CREDENTIALS_FILE)}).`,
    );
  }
  const file = path.join(dataDir, CREDENTIALS_FILE);
  const existing = await readCredentialsFile(file);
  if (existing !== undefined) return existing;

  const generated: Credential = { accessKeyId: newAccessKeyId('AKIA'), secretAccessKey: newSecret() };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails with EEXIST instead of replacing: when two processes race, both end up with
    // whichever file landed first.
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
  const stored = await readCredentialsFile(file);
  if (stored === undefined) throw new Error(`Could not create ${file}.`);
  return stored;
}

async function readCredentialsFile(file: string): Promise<Credential | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = parsed as { accessKeyId?: unknown; secretAccessKey?: unknown } | undefined;
  if (
    typeof record?.accessKeyId !== 'string' ||
    typeof record.secretAccessKey !== 'string' ||
    !record.accessKeyId ||
    !record.secretAccessKey
  ) {
    throw new Error(
      `${file} is not valid: expected {"accessKeyId": "...", "secretAccessKey": "..."}. Fix it, or delete it to generate new credentials.`,
    );
  }
  return { accessKeyId: record.accessKeyId, secretAccessKey: record.secretAccessKey };
}

/** Temporary credentials for sandboxes; each is valid until revoked. */
export class SessionCredentials implements CredentialResolver {
  private readonly live = new Map<string, Credential>();

  issue(): Credential {
    const credential: Credential = {
      accessKeyId: newAccessKeyId('ASIA'),
      secretAccessKey: newSecret(),
      sessionToken: randomBytes(48).toString('base64'),
    };
    this.live.set(credential.accessKeyId, credential);
    return credential;
  }

  revoke(accessKeyId: string): void {
    this.live.delete(accessKeyId);
  }

  lookup(accessKeyId: string): Credential | undefined {
    return this.live.get(accessKeyId);
  }
}

/** A fixed set of credentials (the operator's). */
export function staticCredentials(...credentials: Credential[]): CredentialResolver {
  const byId = new Map(credentials.map((c) => [c.accessKeyId, c] as const));
  return { lookup: (accessKeyId) => byId.get(accessKeyId) };
}

/** The first resolver that knows the key wins. */
export function combineResolvers(...resolvers: CredentialResolver[]): CredentialResolver {
  return {
    lookup(accessKeyId) {
      for (const resolver of resolvers) {
        const found = resolver.lookup(accessKeyId);
        if (found !== undefined) return found;
      }
      return undefined;
    },
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `AKIA`/`ASIA` + 16 base32 characters, the shape of AWS access key ids. */
function newAccessKeyId(prefix: 'AKIA' | 'ASIA'): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** 40 characters from 30 random bytes, like an AWS secret access key. */
function newSecret(): string {
  return randomBytes(30).toString('base64');
}
