import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { validateBody } from '../http/validate.js';
import { AmountError, isKnownCurrency, toMajorString, toMinorUnits } from '../payments/money.js';
import type { PaymentProvider } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';

export const pageQuerySchema = z.object({
  page: z.coerce.number({ message: 'must be a page number from 1' }).int().min(1).default(1),
  limit: z.coerce.number({ message: 'must be a number from 1 to 100' }).int().min(1).max(100).default(20),
});

export const payoutSchema = z
  .strictObject({
    provider: z.string().min(1),
    /** Your reference for the payout; generated when absent. */
    payoutId: z.string().trim().min(1).max(64).optional(),
    amount: z.union([z.number(), z.string()], { message: 'must be a number or a decimal string' }),
    currency: z.string().refine(isKnownCurrency, 'must be an ISO 4217 code such as USD'),
    beneficiary: z.strictObject({
      firstName: z.string().trim().min(1).max(100),
      lastName: z.string().trim().min(1).max(100).optional(),
      email: z.email().optional(),
      phone: z.string().regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number').optional(),
    }),
    destination: z.record(z.string().max(64), z.string().max(200)),
    /** A payout to a card: the card passes through memory only, like a payment's. */
    card: z
      .strictObject({
        number: z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits'),
        expiryMonth: z.string().regex(/^(0[1-9]|1[0-2])$/, 'must be a month from 01 to 12'),
        expiryYear: z.string().regex(/^\d{2}$|^\d{4}$/, 'must be a year such as 29 or 2029'),
      })
      .optional(),
  })
  .transform((body, ctx) => {
    try {
      const amount = toMinorUnits(body.amount, body.currency);
      if (amount <= 0) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be greater than 0' });
      return { ...body, amount };
    } catch (error) {
      if (!(error instanceof AmountError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['amount'], message: error.message });
      return z.NEVER;
    }
  });

/**
 * What a provider offers beyond payments, for the merchant's back office:
 *   GET  /api/providers/:provider/transactions?page&limit   the provider's own list
 *   GET  /api/providers/:provider/balance                   wallet or collect balances
 *   POST /api/payouts                                       money out, where the provider pays out
 */
export function createProvidersRouters(deps: { providers: ProviderRegistry }): { providers: Router; payouts: Router } {
  const router = Router();
  const payouts = Router();
  const provider = (id: string): PaymentProvider => {
    if (!deps.providers.has(id)) throw new AppError('not_found', `no provider ${id}; configured: ${deps.providers.ids.join(', ')}`);
    return deps.providers.get(id);
  };

  router.get('/:provider/transactions', async (req, res) => {
    const found = provider(String(req.params.provider));
    if (!found.listTransactions) throw new AppError('not_supported', `${found.id} offers no transaction list`);
    const query = pageQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('invalid_request', query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const page = await found.listTransactions(query.data);
    res.json({
      ...page,
      transactions: page.transactions.map((t) => ({
        ...t,
        ...(t.amount !== undefined && t.currency ? { amount: toMajorString(t.amount, t.currency), amountMinor: t.amount } : {}),
      })),
    });
  });

  router.get('/:provider/balance', async (req, res) => {
    const found = provider(String(req.params.provider));
    if (!found.walletBalances) throw new AppError('not_supported', `${found.id} reports no balance`);
    const balances = await found.walletBalances();
    res.json({ data: balances.map((b) => ({ ...b, amount: toMajorString(b.amount, b.currency), amountMinor: b.amount })) });
  });

  payouts.post('/', validateBody(payoutSchema), async (req, res) => {
    const body = req.body as z.output<typeof payoutSchema>;
    const found = provider(body.provider);
    if (!found.createPayout) throw new AppError('not_supported', `${found.id} offers no payouts`);
    const payout = await found.createPayout({
      payoutId: body.payoutId ?? `po_${randomUUID().replaceAll('-', '')}`,
      amount: body.amount,
      currency: body.currency,
      beneficiary: body.beneficiary,
      destination: body.destination,
      ...(body.card ? { card: body.card } : {}),
    });
    res.status(201).json({ ...payout, amount: toMajorString(body.amount, body.currency), amountMinor: body.amount, currency: body.currency });
  });

  return { providers: router, payouts };
}
