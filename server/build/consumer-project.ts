import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The npm package as a merchant gets it, for the tests that use it as one: `npm pack` of the built
 * repository, unpacked into a throwaway project's node_modules, beside the dependencies
 * `npm install pay-checkout` would add (linked from ours: no network).
 */

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ConsumerProject {
  /** The throwaway project's folder (package.json with `"type": "module"`, node_modules). */
  dir: string;
  /** The unpacked package, node_modules/pay-checkout. */
  installed: string;
  /** The paths `npm pack` put in the tarball. */
  packed: string[];
  remove(): void;
}

export function run(file: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  return execFileSync(file, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `run` without blocking the event loop, for a child that talks to a server in this process. */
export async function runAsync(file: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return (await promisify(execFile)(file, args, { cwd, env, encoding: 'utf8' })).stdout;
}

export function packIntoConsumerProject(): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), 'pay-consumer-'));
  const listing = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], REPO)) as { filename: string; files: { path: string }[] }[];
  mkdirSync(join(dir, 'node_modules'));
  run('tar', ['-xzf', listing[0]!.filename], dir);
  const installed = join(dir, 'node_modules', 'pay-checkout');
  run('mv', ['package', installed], dir);
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === '.bin' || entry === 'pay-checkout') continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  return { dir, installed, packed: listing[0]!.files.map((file) => file.path), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
