import { readdirSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** A server process's memory after a full garbage collection: V8 heap in use, resident set, open files. */
export interface MemoryReading {
  heapUsedBytes: number;
  residentBytes: number;
  openFiles: number;
}

/** VmRSS of a process, from /proc. */
export function residentBytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line![1]) * 1024;
}

export const openFiles = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** What a server started with `--inspect=127.0.0.1:PORT` (NODE_OPTIONS) needs to have its memory read. */
export const inspectorEnv = (port: number) => ({ NODE_OPTIONS: `--inspect=127.0.0.1:${port}` });

/**
 * The server's memory through its inspector: a reading forces a full collection first, so two
 * readings compare what is kept, not garbage not yet collected.
 */
export class ServerMemory {
  private next = 1;
  private readonly pending = new Map<number, (result: any) => void>();

  private constructor(
    private readonly socket: WebSocket,
    private readonly pid: number,
  ) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8'));
      this.pending.get(message.id)?.(message.result);
      this.pending.delete(message.id);
    });
  }

  static async attach(inspectorPort: number, pid: number): Promise<ServerMemory> {
    const [target] = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{
      webSocketDebuggerUrl: string;
    }>;
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new ServerMemory(socket, pid);
  }

  private call(method: string): Promise<any> {
    const id = this.next++;
    const result = new Promise((resolve) => this.pending.set(id, resolve));
    this.socket.send(JSON.stringify({ id, method }));
    return result;
  }

  async read(): Promise<MemoryReading> {
    // twice: the first collection's finalizers free more for the second
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    const { usedSize } = await this.call('Runtime.getHeapUsage');
    return { heapUsedBytes: usedSize, residentBytes: residentBytes(this.pid), openFiles: openFiles(this.pid) };
  }

  close(): void {
    this.socket.close();
  }
}

export const mebibytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;
