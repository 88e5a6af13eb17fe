import { EntraEmulator } from '../../local/emulators/entra';

export type GraphRequest = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Plain Graph v1.0 requests to the Entra emulator with its token: what a test sends and sees, unwrapped. */
export function graphRequests(entra: EntraEmulator): GraphRequest {
  return async (method, path, body) => {
    const response = await fetch(`${entra.endpoint}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${entra.accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}
