import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Key id, so a later key rotation can keep verifying tokens signed with the old key. */
  kid: string;
}

const KEY_FILE = 'session-signing-key.jwk';

/**
 * The ES256 key that signs session tokens: from SESSION_SIGNING_JWK when given, otherwise
 * generated once and kept in the data directory, so a restart does not invalidate live sessions.
 */
export async function loadSigningKey(options: { jwk?: string; dataDir: string }): Promise<SigningKey> {
  if (options.jwk) return importPrivateJwk(parseJwk(options.jwk, 'SESSION_SIGNING_JWK'));

  const path = join(options.dataDir, KEY_FILE);
  const stored = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stored) return importPrivateJwk(parseJwk(stored, path));

  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: crypto.randomUUID() };
  await mkdir(options.dataDir, { recursive: true });
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  await writeFile(path, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return importPrivateJwk(parseJwk(await readFile(path, 'utf8'), path));
}

function parseJwk(text: string, source: string): JWK {
  try {
    const jwk = JSON.parse(text) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error('not a private EC P-256 key');
    return jwk;
  } catch (error) {
    throw new Error(`${source} must be a private EC P-256 JWK (ES256): ${(error as Error).message}`);
  }
}

async function importPrivateJwk(jwk: JWK): Promise<SigningKey> {
  const { d: _private, ...publicJwk } = jwk;
  const privateKey = (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  const publicKey = (await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  return { privateKey, publicKey, kid: jwk.kid ?? 'default' };
}
