// Where client commands send their requests and which keys sign them.
// - AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL set (e.g. by `eval "$(hearth env)"`): that server,
//   signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (the data dir's keys if those are unset).
// - Otherwise the local server at HEARTH_HOST:HEARTH_PORT (default 127.0.0.1:4280), signed with
//   Hearth's operator keys (HEARTH_ACCESS_KEY_ID / HEARTH_SECRET_ACCESS_KEY, else the data dir's
//   credentials.json). AWS_* keys are not used there: they are usually someone's real AWS keys.
import type { ClientSettings, Config } from '../config/config.js';
import { serverUrl } from './server-url.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Connection {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: Credentials;
}

export type CredentialPlan =
  | { readonly from: 'environment'; readonly credentials: Credentials }
  | {
      readonly from: 'data-dir';
      readonly dataDir: string;
      readonly configured: { readonly accessKeyId?: string; readonly secretAccessKey?: string };
    };

export interface ConnectionPlan {
  readonly endpoint: string;
  /** True when the endpoint came from AWS_ENDPOINT_URL(_LAMBDA), for error hints. */
  readonly endpointFromEnvironment: boolean;
  readonly region: string;
  readonly credentials: CredentialPlan;
}

export function planConnection(settings: ClientSettings, config: Config): ConnectionPlan {
  const region = settings.region ?? config.region;
  const fromDataDir: CredentialPlan = {
    from: 'data-dir',
    dataDir: settings.dataDir,
    configured: withoutUndefined({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }),
  };
  if (settings.endpoint === undefined) {
    return {
      endpoint: serverUrl(config.host, config.port),
      endpointFromEnvironment: false,
      region,
      credentials: fromDataDir,
    };
  }
  const { accessKeyId, secretAccessKey, sessionToken } = settings;
  const credentials: CredentialPlan =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? {
          from: 'environment',
          credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
        }
      : fromDataDir;
  return { endpoint: settings.endpoint.replace(/\/+$/, ''), endpointFromEnvironment: true, region, credentials };
}

export type LoadOperatorCredentials = (
  dataDir: string,
  configured: { accessKeyId?: string | undefined; secretAccessKey?: string | undefined },
) => Promise<{ accessKeyId: string; secretAccessKey: string }>;

export async function resolveConnection(plan: ConnectionPlan, load: LoadOperatorCredentials): Promise<Connection> {
  const credentials =
    plan.credentials.from === 'environment'
      ? plan.credentials.credentials
      : await load(plan.credentials.dataDir, { ...plan.credentials.configured });
  return { endpoint: plan.endpoint, region: plan.region, credentials };
}

function withoutUndefined<T extends Record<string, string | undefined>>(object: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string;
  };
}
