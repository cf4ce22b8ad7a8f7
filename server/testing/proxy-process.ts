import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './free-port.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** tsx's loader by its path, for `node --import`: a process may then run in any directory (one without the project's .env). */
export const TSX_LOADER = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** One proxy started as production starts it (`tsx server/main.ts`), in its own process. */
export interface ProxyProcess {
  name: string;
  url: string;
  /** What the process wrote to stderr and stdout (warnings and errors only at LOG_LEVEL=warn). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<number | null>;
  /** SIGKILL: a crash, with no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful shutdown; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

/** Starts `server/main.ts` on a free loopback port with `env` (plus PORT and HOST), and waits until /readyz says ready. */
export async function startProxyProcess(name: string, env: Record<string, string>, options: { cwd: string; readyWithinMs?: number }): Promise<ProxyProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', TSX_LOADER, join(root, 'server', 'main.ts')], {
    cwd: options.cwd,
    // PUBLIC_URL defaults to the instance's own address; behind a load balancer, `env` names the balancer's.
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PUBLIC_URL: url, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const proxy: ProxyProcess = {
    name,
    url,
    output: () => output,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      child.kill('SIGTERM');
      return exited;
    },
  };
  const deadline = Date.now() + (options.readyWithinMs ?? 30_000);
  let ended = false;
  void exited.then(() => (ended = true));
  for (;;) {
    if (ended) throw new Error(`proxy ${name} exited before it was ready:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) return proxy;
    if (Date.now() > deadline) {
      await proxy.kill();
      throw new Error(`proxy ${name} was not ready within the time given:\n${output}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}
