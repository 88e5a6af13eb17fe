import { IncomingMessage, ServerResponse } from 'node:http';

/** An error in the AWS JSON protocol's shape: HTTP status, `__type` and message. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new AwsError(400, 'ResourceNotFoundException', message);
export const conflict = (message: string) => new AwsError(400, 'ConflictException', message);
export const invalid = (message: string) => new AwsError(400, 'ValidationException', message);

export interface SigningScope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

/** Reads the credential scope of a SigV4 Authorization header: `Credential=AKID/date/region/service/aws4_request`. */
export function signingScope(authorization: string | undefined): SigningScope | undefined {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { accessKeyId: match[1], region: match[2], service: match[3] } : undefined;
}

export function partitionOf(region: string): 'aws' | 'aws-us-gov' {
  return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/x-amz-json-1.1'): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendAwsError(response: ServerResponse, error: AwsError, contentType?: string): void {
  sendJson(response, error.status, { __type: error.type, message: error.message, Message: error.message }, contentType);
}

/** Operation names that change state, by the AWS naming convention. */
export function isWriteOperation(operation: string): boolean {
  return /^(Create|Put|Attach|Detach|Delete|Update|Tag|Untag|Provision|Import|Enable|Disable|Start|Stop)/.test(operation);
}
