// A small typed RPC over postMessage (what Comlink does, in the 50 lines this app needs).
// The worker exposes an object of async methods; the page gets a proxy with the same type.
// The worker can also push events (download progress) that are not replies to a call.

type Method = (...args: unknown[]) => Promise<unknown>;

type CallMessage = { kind: 'call'; id: number; method: string; args: unknown[] };
type ReplyMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };
type EventMessage<E> = { kind: 'event'; event: E };

interface Endpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** The call was cut short because the worker was stopped (e.g. to switch backends). */
export class WorkerStopped extends Error {
  override name = 'WorkerStopped';
  constructor() {
    super('the worker was stopped');
  }
}

const transfers = new WeakMap<object, Transferable[]>();

/** Marks parts of a return value to be moved, not copied, to the other side. */
export function withTransfer<T extends object>(value: T, transfer: Transferable[]): T {
  transfers.set(value, transfer);
  return value;
}

/** Worker side: answers calls with the methods of `api`; returns a function that pushes events. */
export function expose<E>(api: object, scope: Endpoint): (event: E) => void {
  scope.addEventListener('message', async ({ data }: MessageEvent<CallMessage>) => {
    if (data?.kind !== 'call') return;
    let reply: ReplyMessage;
    try {
      const method = (api as Record<string, Method | undefined>)[data.method];
      if (!method) throw new Error(`no method ${data.method}`);
      const value = await method.apply(api, data.args);
      reply = { kind: 'reply', id: data.id, ok: true, value };
    } catch (error) {
      reply = { kind: 'reply', id: data.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const value = reply.ok ? reply.value : null;
    const transfer = value !== null && typeof value === 'object' ? transfers.get(value) : undefined;
    scope.postMessage(reply, transfer ?? []);
  });
  return (event: E) => scope.postMessage({ kind: 'event', event } satisfies EventMessage<E>);
}

/**
 * Page side: a proxy whose methods call the worker; `onEvent` receives what the worker pushes.
 * Aborting `signal` (when the worker is terminated) rejects the calls still waiting for a reply.
 */
export function connect<A extends object, E>(worker: Endpoint, onEvent: (event: E) => void, signal?: AbortSignal): A {
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  signal?.addEventListener('abort', () => {
    for (const call of pending.values()) call.reject(new WorkerStopped());
    pending.clear();
  });
  worker.addEventListener('message', ({ data }: MessageEvent<ReplyMessage | EventMessage<E>>) => {
    if (data?.kind === 'event') return onEvent(data.event);
    if (data?.kind !== 'reply') return;
    const call = pending.get(data.id);
    pending.delete(data.id);
    if (data.ok) call?.resolve(data.value);
    else call?.reject(new Error(data.error));
  });
  const call = (method: string, args: unknown[]) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new WorkerStopped());
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'call', id, method, args } satisfies CallMessage);
    });
  // `then` stays undefined so the proxy is not mistaken for a promise when returned from an async function.
  return new Proxy({} as A, {
    get: (_, method) => (method === 'then' ? undefined : (...args: unknown[]) => call(String(method), args)),
  });
}
