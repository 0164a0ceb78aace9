// Builds the LambdaClient for client commands from the environment (see client-connection.ts).
import { loadCliClientSettings, loadCliConfig } from './cli-config.js';
import { loadCliOperatorCredentials } from './cli-credentials.js';
import { planConnection, resolveConnection } from './client-connection.js';
import { LambdaClient } from './lambda-client.js';

export async function openLambdaClient(): Promise<LambdaClient> {
  const plan = planConnection(loadCliClientSettings(), loadCliConfig());
  const connection = await resolveConnection(plan, loadCliOperatorCredentials);
  const unreachableHint = plan.endpointFromEnvironment
    ? '(AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_LAMBDA points there; unset it to use the local default)'
    : '(set AWS_ENDPOINT_URL to point elsewhere)';
  return new LambdaClient({ connection, unreachableHint });
}
