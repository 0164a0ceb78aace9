// The benchmark's one handler, as every target runs it (`export const handler = async (event) =>
// event`), for the floors: the in-process loop calls it directly; the HTTP floor's server and the
// process-hop floor's handler processes answer a request body with echoJson.
export const handler = async (event: unknown): Promise<unknown> => event;

/** The handler's answer to a JSON request body (an empty body is `{}`), as JSON. */
export async function echoJson(text: string): Promise<string> {
  return JSON.stringify(await handler(text === '' ? {} : JSON.parse(text)));
}
