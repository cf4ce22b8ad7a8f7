import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export const POSTGRES_MISSING =
  'PostgreSQL tests need a server: set TEST_DATABASE_URL=postgres://user@127.0.0.1:port/db, or install PostgreSQL (Debian: apt-get install postgresql) so the tests start a throwaway one';

/** A throwaway PostgreSQL cluster in a temporary directory, on 127.0.0.1 only. */
export interface PostgresCluster {
  /** The superuser's URL of the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The server binaries: Debian's (/usr/lib/postgresql/<version>/bin, the newest version), else
 * wherever `pg_config --bindir` says they are; undefined when there is no initdb.
 */
export function findPostgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  try {
    const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return existsSync(join(bindir, 'initdb')) ? bindir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * initdb and pg_ctl in a temporary directory, trusting local connections, with durability off
 * (test data need not survive a crash). PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the `postgres` user that Debian's package creates.
 */
export async function startPostgresCluster(binaries: string): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pay-checkout-pg-'));
  const asRoot = userInfo().uid === 0;
  // Run from the cluster's own directory: as `postgres`, the caller's directory (a checkout under
  // /root) may be unreadable, and pg_ctl refuses to start from there.
  const asOwner = async (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(binaries, command), ...args], { cwd: dir })
      : run(join(binaries, command), args, { cwd: dir });
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(group.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await asOwner('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  await asOwner('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new, empty database on the server at `serverUrl`, so that each test file (or each store of a
 * contract test) starts from nothing; dropped by the returned function.
 */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pay_checkout_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
