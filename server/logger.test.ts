import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPanLike } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ destination }), lines };
}

describe('logger', () => {
  it('redacts secrets and card fields by key', () => {
    const { logger, lines } = capture();
    logger.info({ cardNumber: '4111111111111111', nested: { cvv: '123', password: 'hunter22' }, headers: { authorization: 'Bearer x' } }, 'pay');
    const line = lines.join('');
    expect(line).not.toContain('4111111111111111');
    expect(line).not.toContain('"123"');
    expect(line).not.toContain('hunter22');
    expect(line).not.toContain('Bearer x');
    expect(JSON.parse(line).nested.cvv).toBe('[redacted]');
  });

  it('masks card-number-like digit runs wherever they appear', () => {
    const { logger, lines } = capture();
    logger.info({ note: 'customer typed 4111 1111 1111 1111 in the name field' }, 'card 5555555555554444 in a message');
    const line = lines.join('');
    expect(line).not.toMatch(/4111 1111 1111 1111|5555555555554444/);
    expect(line).toContain('411111******1111');
    expect(line).toContain('555555******4444');
  });

  it('scrubs secrets at any depth and card numbers inside errors', () => {
    const { logger, lines } = capture();
    logger.error({ body: { nested: { deep: { deeper: { cvv: '987' } } } }, err: new Error('card 4111 1111 1111 1111 declined') }, 'failed');
    const line = lines.join('');
    expect(line).not.toContain('987');
    expect(line).not.toContain('4111 1111 1111 1111');
    expect(JSON.parse(line).err.message).toBe('card 411111******1111 declined');
  });

  it('leaves short numbers alone', () => {
    expect(maskPanLike('order 12345, amount 4800')).toBe('order 12345, amount 4800');
  });
});
