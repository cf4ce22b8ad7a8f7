import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptTag, sdkRelease } from './sdk-release.js';

const SDK_DIR = new URL('../../dist/sdk/', import.meta.url);

describe('the SDK release', () => {
  it('names the copy after its content and hashes it for SRI', () => {
    const a = sdkRelease('one');
    expect(a.file).toBe(`pay-checkout.${createHash('sha256').update('one').digest('hex').slice(0, 12)}.js`);
    expect(a.integrity).toBe(`sha384-${createHash('sha384').update('one').digest('base64')}`);
    expect(sdkRelease('two').file).not.toBe(a.file);
  });

  it('prints a ready-to-paste module script tag', () => {
    expect(scriptTag({ file: 'pay-checkout.0123456789ab.js', integrity: 'sha384-abc' }, 'https://pay.example.com/')).toBe(
      '<script type="module" src="https://pay.example.com/sdk/pay-checkout.0123456789ab.js" integrity="sha384-abc" crossorigin="anonymous"></script>',
    );
  });

  it('the build wrote a hashed copy identical to pay-checkout.js, with its hash in release.json', () => {
    expect(existsSync(new URL('release.json', SDK_DIR)), 'run `npm run build` first').toBe(true);
    const release = JSON.parse(readFileSync(new URL('release.json', SDK_DIR), 'utf8')) as { file: string; integrity: string };
    const stable = readFileSync(new URL('pay-checkout.js', SDK_DIR));
    expect(readFileSync(new URL(release.file, SDK_DIR)).equals(stable)).toBe(true);
    expect(release).toEqual(sdkRelease(stable));
  });
});
