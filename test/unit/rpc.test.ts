// The typed RPC between the page and the analysis worker, over a real MessageChannel.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, expose, withTransfer, WorkerStopped } from '../../src/worker/rpc';

interface Api {
  add(a: number, b: number): Promise<number>;
  fail(): Promise<never>;
  slow(): Promise<string>;
  bytes(n: number): Promise<{ data: Uint8Array }>;
}
type Event = { type: 'tick'; n: number };

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

function pair(signal?: AbortSignal) {
  const channel = new MessageChannel();
  channels.push(channel);
  const events: Event[] = [];
  const emit = expose<Event>(
    {
      async add(a: number, b: number) {
        emit({ type: 'tick', n: a });
        return a + b;
      },
      async fail() {
        throw new Error('decoder exploded');
      },
      slow: () => new Promise<string>(() => {}),
      async bytes(n: number) {
        const data = new Uint8Array(n).fill(7);
        return withTransfer({ data }, [data.buffer]);
      },
    },
    channel.port1,
  );
  const api = connect<Api, Event>(channel.port2, (event) => events.push(event), signal);
  channel.port1.start();
  channel.port2.start();
  return { api, events };
}

describe('typed RPC', () => {
  it('calls a method on the other side and returns its value', async () => {
    const { api } = pair();
    expect(await api.add(2, 3)).toBe(5);
    expect(await Promise.all([api.add(1, 1), api.add(10, 20)])).toEqual([2, 30]);
  });

  it('delivers events pushed by the worker', async () => {
    const { api, events } = pair();
    await api.add(4, 0);
    expect(events).toEqual([{ type: 'tick', n: 4 }]);
  });

  it('rejects with the error message thrown on the other side', async () => {
    const { api } = pair();
    await expect(api.fail()).rejects.toThrow('decoder exploded');
  });

  it('moves marked buffers instead of copying them', async () => {
    const { api } = pair();
    const { data } = await api.bytes(16);
    expect([...data]).toEqual(new Array(16).fill(7));
  });

  it('rejects calls still waiting, and new calls, once the worker is stopped', async () => {
    const controller = new AbortController();
    const { api } = pair(controller.signal);
    const waiting = api.slow();
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(WorkerStopped);
    await expect(api.add(1, 2)).rejects.toBeInstanceOf(WorkerStopped);
  });

  it('is not mistaken for a promise', async () => {
    const { api } = pair();
    const resolved = await Promise.resolve(api);
    expect(resolved).toBe(api);
  });
});
