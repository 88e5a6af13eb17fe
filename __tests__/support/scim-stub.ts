import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A SCIM endpoint that records what the provisioning service sends, with scripted answers. */
export class ScimStub {
  readonly requests: { method: string; path: string; body: any }[] = [];
  readonly users = new Map<string, any>();
  readonly groups = new Map<string, any>();
  token = 'good-token';
  refuseCreate?: { status: number; detail: string };
  private server?: Server;
  private nextId = 1;

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req).then(([status, body]) => res.writeHead(status, { 'content-type': 'application/scim+json' }).end(body === undefined ? '' : JSON.stringify(body))));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/scim/v2`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  writes() {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown?]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url!, 'http://scim');
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    this.requests.push({ method: req.method!, path: `${url.pathname}${url.search}`, body });
    if (req.headers.authorization !== `Bearer ${this.token}`) return [401, { status: '401', detail: 'invalid token' }];
    const [, kind, id] = /\/(Users|Groups)(?:\/([^/]+))?$/.exec(url.pathname) ?? [];
    const store = kind === 'Groups' ? this.groups : this.users;
    if (req.method === 'GET') {
      const [, attribute, value] = /^(\w+) eq "(.*)"$/.exec(url.searchParams.get('filter') ?? '') ?? [];
      const found = [...store.values()].filter((item) => item[attribute] === value);
      return [200, { totalResults: found.length, Resources: found }];
    }
    if (req.method === 'POST') {
      if (this.refuseCreate) return [this.refuseCreate.status, { status: String(this.refuseCreate.status), detail: this.refuseCreate.detail }];
      const item = { ...body, id: `scim-${this.nextId++}` };
      store.set(item.id, item);
      return [201, item];
    }
    if (req.method === 'PATCH' && store.has(id)) {
      if (kind === 'Users') return [200, store.get(id)];
      applyMemberOperations(store.get(id), body.Operations ?? []);
      return [204];
    }
    if (req.method === 'DELETE' && store.delete(id)) return [204];
    return [404];
  }
}


/** A group PATCH's member Add and Remove operations, applied to the stub's group (SCIM PatchOp). */
function applyMemberOperations(group: { members?: { value: string }[] }, operations: { op: string; path?: string; value?: { value: string }[] }[]): void {
  for (const { op, value = [] } of operations.filter((o) => o.path === 'members')) {
    const ids = new Set((group.members ?? []).map((m) => m.value));
    value.forEach((m) => (op === 'Add' ? ids.add(m.value) : ids.delete(m.value)));
    group.members = [...ids].map((v) => ({ value: v }));
  }
}
