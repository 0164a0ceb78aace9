// Serves the deployment package behind GetFunction's Code.Location. Like the presigned S3 URL
// Lambda hands out, the link carries its own expiring token instead of a SigV4 signature, so
// `curl "$Location" > code.zip` works; a tampered or expired link is 403.
import { readFile } from 'node:fs/promises';
import { CODE_URL_PATH_PREFIX, type CodeUrlSigner } from '../../control-plane/code-url-signer.js';
import { errors } from '../../errors/lambda-error.js';
import type { Route } from '../route.js';

/** Where the code store keeps the zip of a CodeSha256 (base64). */
export interface CodeFiles {
  zipPath(codeSha256: string): string;
}

export function codeDownloadRoutes(code: CodeFiles, codeUrls: CodeUrlSigner): Route[] {
  return [
    {
      operation: 'DownloadFunctionCode',
      method: 'GET',
      path: `${CODE_URL_PATH_PREFIX}{Sha}`,
      unsigned: true,
      handler: async (request) => {
        const codeSha256 = codeUrls.verify(request.params['Sha'] ?? '', request.query);
        let zip: Buffer;
        try {
          zip = await readFile(code.zipPath(codeSha256));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            throw errors.resourceNotFound('The code archive no longer exists.');
          throw error;
        }
        return {
          status: 200,
          headers: { 'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="function.zip"' },
          body: zip,
        };
      },
    },
  ];
}
