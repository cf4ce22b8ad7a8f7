import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { validateBody } from '../http/validate.js';
import { AmountError, isKnownCurrency, toMinorUnits } from '../payments/money.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { ProviderId, SharedPaymentPage } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { SessionTokenIssuer } from '../sessions/session-token.js';
import type { Store } from '../store/store.js';

const text = (max: number) => z.string().trim().min(1).max(max);

const customerSchema = z.strictObject({
  reference: text(128).optional(),
  name: text(200).optional(),
  email: z.email().max(254).optional(),
  phone: z.string().regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number').optional(),
});

const addressSchema = z.strictObject({
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US').optional(),
  region: text(100).optional(),
  city: text(100).optional(),
  street: text(200).optional(),
  postCode: text(20).optional(),
  fullAddress: text(400).optional(),
});

const currencyCode = z.string().refine(isKnownCurrency, 'must be an ISO 4217 code such as USD');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as ID');

/**
 * One payment page over several methods (Payment Hub's shared payment page): the shopper chooses
 * on it. `options`: a label, the provider's method code (or `credit_card_tokenize`), the vendor
 * (the provider's gateway id or the vendor's name) and the currency; `amounts`: the order's amount
 * in other currencies (major units), for options in those currencies.
 */
const sharedPaymentPageSchema = z.strictObject({
  options: z
    .array(
      z.strictObject({
        label: text(100),
        method: z.string().trim().max(50).optional(),
        vendor: text(100).optional(),
        currency: currencyCode.optional(),
      }),
    )
    .min(1)
    .max(20),
  amounts: z
    .array(z.strictObject({ currency: currencyCode, amount: z.union([z.number(), z.string()], { message: 'must be a number or a decimal string' }) }))
    .max(20)
    .default([]),
  guestLocation: countryCode.optional(),
  hotelLocation: countryCode.optional(),
});

export const createSessionSchema = z
  .strictObject({
    orderId: text(128),
    amount: z.union([z.number(), z.string()], { message: 'must be a number or a decimal string' }),
    currency: z.string().refine(isKnownCurrency, 'must be an ISO 4217 code such as USD'),
    provider: z.string().optional(),
    description: text(500).optional(),
    customer: customerSchema.optional(),
    billingAddress: addressSchema.optional(),
    returnUrl: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }),
    locale: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR').default('en'),
    /** The merchant page origin that will show the element; defaults to returnUrl's origin; either must be in ALLOWED_ORIGINS. */
    origin: z.string().optional(),
    /** `manual`: card payments are authorized only, and captured later with POST /api/payments/:id/capture. */
    captureMethod: z.enum(['automatic', 'manual'], { message: 'must be automatic or manual' }).default('automatic'),
    sharedPaymentPage: sharedPaymentPageSchema.optional(),
  })
  .transform((body, ctx) => {
    try {
      const amount = toMinorUnits(body.amount, body.currency);
      if (amount <= 0) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be greater than 0' });
      return { ...body, amount, sharedPaymentPage: body.sharedPaymentPage && readSharedPage(body.sharedPaymentPage, body.currency, ctx) };
    } catch (error) {
      if (!(error instanceof AmountError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['amount'], message: error.message });
      return z.NEVER;
    }
  });

function readSharedPage(page: z.output<typeof sharedPaymentPageSchema>, currency: string, ctx: z.RefinementCtx): SharedPaymentPage {
  const amounts = page.amounts.map((entry, index) => {
    try {
      const minor = toMinorUnits(entry.amount, entry.currency);
      if (minor <= 0) throw new AmountError('must be greater than 0');
      return { currency: entry.currency, amount: minor };
    } catch (error) {
      if (!(error instanceof AmountError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['sharedPaymentPage', 'amounts', index, 'amount'], message: error.message });
      return { currency: entry.currency, amount: 0 };
    }
  });
  page.options.forEach((option, index) => {
    const path = ['sharedPaymentPage', 'options', index];
    if (option.method !== 'credit_card_tokenize' && !option.vendor) ctx.addIssue({ code: 'custom', path: [...path, 'vendor'], message: 'is required (except for credit_card_tokenize)' });
    if (option.currency && option.currency !== currency && !amounts.some((entry) => entry.currency === option.currency)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'currency'], message: `has no amount: add ${option.currency} to sharedPaymentPage.amounts` });
    }
  });
  return {
    options: page.options.map(({ label, method, vendor, currency: optionCurrency }) => ({ label, ...(method ? { method } : {}), ...(vendor ? { vendor } : {}), ...(optionCurrency ? { currency: optionCurrency } : {}) })),
    amounts,
    ...(page.guestLocation ? { guestLocation: page.guestLocation } : {}),
    ...(page.hotelLocation ? { hotelLocation: page.hotelLocation } : {}),
  };
}

/**
 * POST /api/sessions: the merchant backend opens a checkout session for one order. The handlers
 * (validation, then the handler) go straight on the app's route: session creation is the hottest
 * merchant call, and in a bare Express server two nested Routers cost about 5% of a request.
 */
export function createSessionHandlers(deps: {
  store: Store;
  tokens: SessionTokenIssuer;
  providers: ProviderRegistry;
  sessionTtlSeconds: number;
  allowedOrigins: readonly string[];
  payments: PaymentService;
}): RequestHandler[] {
  const allowed = new Set(deps.allowedOrigins);
  const create: RequestHandler = async (req, res) => {
    const body = req.body as z.output<typeof createSessionSchema>;
    if (body.provider !== undefined && !deps.providers.has(body.provider)) {
      throw new AppError('invalid_request', `provider: must be one of ${deps.providers.ids.join(', ')}`);
    }
    if (body.origin !== undefined && !allowed.has(body.origin)) {
      throw new AppError('invalid_request', `origin: ${body.origin} is not in ALLOWED_ORIGINS`);
    }
    let provider = body.provider;
    if (body.sharedPaymentPage) {
      const offering = deps.providers.ids.filter((id) => deps.providers.get(id).createSharedPayment !== undefined);
      provider ??= offering[0];
      if (!provider || !offering.includes(provider as ProviderId)) {
        throw new AppError('invalid_request', `sharedPaymentPage: ${provider ? `provider ${provider} has` : 'no configured provider has'} no shared payment page`);
      }
    }
    const origin = body.origin ?? returnUrlOrigin(body.returnUrl, allowed);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + deps.sessionTtlSeconds * 1000);
    const sessionId = `ses_${randomUUID().replaceAll('-', '')}`;
    await deps.store.createSession({
      id: sessionId,
      orderId: body.orderId,
      amount: body.amount,
      currency: body.currency,
      provider: provider as ProviderId | undefined,
      description: body.description,
      customer: body.customer,
      billingAddress: body.billingAddress,
      returnUrl: body.returnUrl,
      locale: body.locale,
      captureMethod: body.captureMethod,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    if (body.sharedPaymentPage) await deps.payments.saveSharedPaymentPage(sessionId, body.sharedPaymentPage);
    const token = await deps.tokens.sign(sessionId, expiresAt, origin);
    res.status(201).json({ sessionId, token, expiresAt: expiresAt.toISOString() });
  };
  return [validateBody(createSessionSchema), create];
}

/**
 * Without `origin`, the token is bound to the return URL's origin, which must be allowed: a token
 * bound to no origin would work on every allowed one, and a mistyped origin would go unnoticed.
 */
function returnUrlOrigin(returnUrl: string, allowed: ReadonlySet<string>): string {
  const origin = new URL(returnUrl).origin;
  if (!allowed.has(origin)) {
    throw new AppError('invalid_request', `returnUrl: its origin ${origin} is not in ALLOWED_ORIGINS; add it or pass origin`);
  }
  return origin;
}
