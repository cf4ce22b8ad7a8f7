import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPanLike } from './logger.js';

/**
 * The logger's lines without the fields that change from run to run (time, pid, hostname): a short
 * secret such as a security code must be absent from what was logged, and a timestamp that happens
 * to contain its digits would make that check fail by chance.
 */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const { time: _time, pid: _pid, hostname: _hostname, ...logged } = JSON.parse(String(chunk)) as Record<string, unknown>;
      lines.push(`${JSON.stringify(logged)}\n`);
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

  it('redacts secrets by the shape of their key, and every header that carries a credential', () => {
    const { logger, lines } = capture();
    logger.info({
      merchantApiKey: 'sk_live_aaaaaaaaaaaaaaaa', MERCHANT_WEBHOOK_SECRET: 'whsec_bbbbbbbbbbbb', refresh_token: 'rt_cccccccc',
      sessionToken: 'eyJdddddddd', signingJwk: { d: 'eeeeeeee' }, apiPassword: 'ffffffff',
      headers: { 'x-api-key': 'dc_gggggggg', 'x-api-secret': 'hhhhhhhh', 'set-cookie': 'sid=iiiiiiii', 'Pay-Checkout-Signature': 't=1,v1=jjjjjjjj' },
      card: { number: '4000000000000002', expiryMonth: '12', expiryYear: '30', securityCode: '4821', holderName: 'Ada Lovelace' },
      company: 'Pan Am', orderId: 'order-1', amount: 4800,
    }, 'config');
    const line = lines.join('');
    for (const secret of ['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd', 'eeeeeeee', 'ffffffff', 'gggggggg', 'hhhhhhhh', 'iiiiiiii', 'jjjjjjjj', '4000000000000002', '4821']) {
      expect(line).not.toContain(secret);
    }
    const logged = JSON.parse(line);
    // What is not secret stays readable.
    expect(logged).toMatchObject({ company: 'Pan Am', orderId: 'order-1', amount: 4800, card: { holderName: 'Ada Lovelace', number: '[redacted]' } });
  });

  it('masks a card number given as a JSON number, in a string argument, and in pino-http request headers', () => {
    const { logger, lines } = capture();
    logger.info({ raw: 4111111111111111, count: 12 }, 'raw body');
    logger.warn('declined card %s', '5555 5555 5555 4444');
    logger.info({ req: { headers: { authorization: 'Bearer sk_test_kkkkkkkk', 'idempotency-key': 'idem-llllllll' } } }, 'request');
    const text = lines.join('');
    expect(text).not.toMatch(/4111111111111111|5555 5555 5555 4444|kkkkkkkk|llllllll/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ raw: '411111******1111', count: 12 });
    expect(text).toContain('555555******4444');
  });
});
