/**
 * What a capture's answer says about the money. Only FAILED (and ENROLLED, which never moves money)
 * is a refusal the merchant may follow with another capture; an answer that may describe a capture
 * made (an undocumented status, or another order's payment) is outcome_unknown, so that the payment
 * service refuses a second capture (capture-written-ahead.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { createDirectCardProvider } from './adapter.js';

/** The document's example ApiPaymentResponse, for our order `pay_1`, as the capture's answer. */
function captureAnswer(overrides: Record<string, unknown>): typeof fetch {
  const example = JSON.parse(readFileSync(new URL('./fixtures/payment-response-example.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const body = JSON.stringify({ ...example, orderId: 'pay_1', amount: 90.0, ...overrides });
  return (async () => new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } })) as typeof fetch;
}

async function captured(answer: Record<string, unknown>) {
  const provider = createDirectCardProvider({ baseUrl: 'https://dc.example', apiKey: 'k', apiSecret: 's', fetch: captureAnswer(answer) });
  return provider.capture!({ paymentId: 'pay_1', providerRef: '123e4567-e89b-12d3-a456-426614174000' }, 9000, 'TRY');
}

async function refusal(answer: Record<string, unknown>): Promise<ProviderError> {
  const error = await captured(answer).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('directcard capture answers', () => {
  it('reads SUCCESS about our order as the capture made', async () => {
    await expect(captured({})).resolves.toMatchObject({ status: 'succeeded', capturedAmount: 9000 });
  });

  it('reads FAILED as a refusal: the pre-authorization stands and may be captured again', async () => {
    const error = await refusal({ status: 'FAILED', resultCode: 'AMOUNT_EXCEEDS_AUTHORIZED', resultMessage: 'At most 100.50 TRY can be captured' });
    expect(error.code).toBe('provider_rejected');
  });

  it.each([['PROCESSING'], [null]])('reads an undocumented status (%s) as outcome_unknown, never as a refusal', async (status) => {
    const error = await refusal({ status, resultCode: null, resultMessage: null });
    expect(error.code).toBe('outcome_unknown');
  });

  it("reads SUCCESS about another order's payment as outcome_unknown: something was captured", async () => {
    const error = await refusal({ orderId: 'pay_2' });
    expect(error.code).toBe('outcome_unknown');
    expect(error.message).toContain('pay_2');
  });
});
