import { z } from 'zod';
import { PAYMENT_STATUSES } from '../payments/payment-status.js';
import { captureSchema, refundSchema } from '../routes/payments.js';
import { pageQuerySchema, payoutSchema } from '../routes/providers.js';
import { createSessionSchema } from '../routes/sessions.js';

/**
 * The merchant API as an OpenAPI 3.1 document, served at `/api/openapi.json`. Request bodies are
 * the very zod schemas the routes validate with (their input side: what a merchant sends);
 * answers are described by the schemas below. server/api/openapi.test.ts checks that every route
 * behind the merchant key is in it, and that real answers (a transaction page, a 409, a 413, a 415)
 * are ones it lists.
 */

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ description: 'Every error: a code from a closed list, a message for people, details when there are some.' });

const sessionCreatedSchema = z.object({
  sessionId: z.string(),
  token: z.string().meta({ description: 'The ES256 JWT the page gives the element as its `session` attribute.' }),
  expiresAt: z.iso.datetime(),
});

const paymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    sessionId: z.string(),
    provider: z.string(),
    methodId: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    amount: z.string().meta({ description: 'Major units as a decimal string, e.g. "48.00".' }),
    amountMinor: z.int(),
    refundedAmount: z.string(),
    refundedAmountMinor: z.int(),
    capturedAmount: z.string().optional(),
    capturedAmountMinor: z.int().optional(),
    currency: z.string(),
    providerReference: z.string().optional(),
    card: z.object({ mask: z.string(), brand: z.string().optional() }).optional(),
    installments: z
      .object({ count: z.int(), totalAmount: z.string(), totalAmountMinor: z.int() })
      .optional()
      .meta({ description: 'The installment plan the shopper chose: the count, and the total they pay with interest (`amount` is the order\'s).' }),
    failure: z.object({ code: z.string(), message: z.string() }).optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    events: z.array(
      z.object({ type: z.string(), fromStatus: z.string().optional(), toStatus: z.string().optional(), source: z.string(), detail: z.unknown().optional(), at: z.iso.datetime() }),
    ),
  })
  .meta({ description: 'A payment, normalized across providers, with its history.' });

const providerRecordSchema = z.record(z.string(), z.unknown()).meta({ description: "The provider's own answer, scrubbed of card data." });

/** The answer of GET /api/providers/{provider}/transactions, as server/routes/providers.ts builds it. */
export const transactionPageSchema = z
  .object({
    transactions: z.array(
      z.object({
        providerRef: z.string(),
        paymentId: z.string().optional().meta({ description: 'Our payment id, where the provider kept our reference.' }),
        status: z.enum(PAYMENT_STATUSES),
        providerStatus: z.string().optional(),
        amount: z.string().optional().meta({ description: 'Major units as a decimal string, where the provider gives an amount and a currency.' }),
        amountMinor: z.int().optional(),
        currency: z.string().optional(),
        createdAt: z.string().optional(),
      }),
    ),
    page: z.int(),
    limit: z.int(),
    total: z.int().optional().meta({ description: 'Where the provider counts them (HankoPay does; HPAY does not).' }),
    pages: z.int().optional(),
  })
  .meta({ description: "A page of the provider's own transaction list." });

type Schema = z.ZodType;

const json = (schema: Schema) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const ok = (schema: Schema, status = '200', description = 'OK') => ({ [status]: { description, content: json(schema) } });
const body = (schema: Schema) => ({ required: true, content: json(schema) });
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const error = (description: string) => ({ description, content: json(errorSchema) });
const errors = {
  '400': error('The request is not valid; the message names the field.'),
  '401': error('No or a wrong merchant API key.'),
  '404': error('No such payment or provider.'),
  '422': error('Not possible for this payment or provider.'),
  '500': error('An unexpected failure; it has been logged.'),
  '502': error('The provider failed or could not be reached.'),
};
/** What every POST adds: the Idempotency-Key header (server/http/idempotency.ts) and the JSON body checks. */
const postErrors = {
  ...errors,
  '409': error('This Idempotency-Key was already used for another request, or its first request still runs; for a refund, also a refund still pending.'),
  '413': error('`payload_too_large`: the body is over 32 KB.'),
  '415': error('`unsupported_media_type`: a body that is not `Content-Type: application/json`.'),
};
/** Refunds, captures, cancels and payouts reach the provider, which may decline them. */
const providerCallErrors = {
  ...postErrors,
  '402': error('`card_declined` or `payment_declined`: the provider declined the operation.'),
};
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  description: "A repeat with the same key, method, path and body gets the first call's answer again, with no second provider call.",
};
const replayed = {
  'Idempotent-Replayed': { description: "`true` when this is the stored answer of an earlier call with the same Idempotency-Key.", schema: { type: 'string', enum: ['true'] } },
};
/** A POST's success: the answer plus the replay header. */
const posted = (schema: Schema, status: '200' | '201', description: string) => ({ [status]: { description, headers: replayed, content: json(schema) } });
const paymentId = path('id', 'The payment id, `pay_...`.');
const provider = path('provider', 'A provider id, e.g. `hankopay`.');

export function merchantOpenApi(serverUrl: string): Record<string, unknown> {
  const pageQuery = z.toJSONSchema(pageQuerySchema, { io: 'input' }) as { properties: Record<string, unknown> };
  return {
    openapi: '3.1.0',
    info: {
      title: 'pay-checkout merchant API',
      version: '1',
      description: 'Server to server, with `Authorization: Bearer MERCHANT_API_KEY`. Amounts are major units (a JSON number or a decimal string) checked against the currency.',
    },
    servers: [{ url: serverUrl }],
    security: [{ merchantKey: [] }],
    components: { securitySchemes: { merchantKey: { type: 'http', scheme: 'bearer', description: 'MERCHANT_API_KEY' } } },
    paths: {
      '/api/sessions': {
        post: { operationId: 'createSession', summary: 'Open a checkout session for one order', parameters: [idempotencyKey], requestBody: body(createSessionSchema), responses: { ...posted(sessionCreatedSchema, '201', 'Created'), ...postErrors } },
      },
      '/api/payments': {
        get: {
          operationId: 'listPaymentsOfOrder',
          summary: "An order's payments",
          parameters: [{ name: 'orderId', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { ...ok(z.object({ data: z.array(paymentSchema) })), ...errors },
        },
      },
      '/api/payments/{id}': {
        get: { operationId: 'getPayment', summary: 'A payment and its history', parameters: [paymentId], responses: { ...ok(paymentSchema), ...errors } },
      },
      '/api/payments/{id}/details': {
        get: {
          operationId: 'getPaymentDetails',
          summary: "Our payment beside the provider's own record (where the provider has one)",
          parameters: [paymentId],
          responses: { ...ok(z.object({ payment: paymentSchema, provider: z.object({ status: z.string(), record: providerRecordSchema }) })), ...errors },
        },
      },
      '/api/payments/{id}/refund': {
        post: { operationId: 'refundPayment', summary: 'Refund in full or in part', parameters: [paymentId, idempotencyKey], requestBody: body(refundSchema), responses: { ...posted(paymentSchema, '200', 'OK'), ...providerCallErrors } },
      },
      '/api/payments/{id}/capture': {
        post: { operationId: 'capturePayment', summary: 'Capture a pre-authorized card payment, in full or in part', parameters: [paymentId, idempotencyKey], requestBody: body(captureSchema), responses: { ...posted(paymentSchema, '200', 'OK'), ...providerCallErrors } },
      },
      '/api/payments/{id}/cancel': {
        post: { operationId: 'cancelPayment', summary: 'Cancel (void) a payment where the provider allows it', parameters: [paymentId, idempotencyKey], responses: { ...posted(paymentSchema, '200', 'OK'), ...providerCallErrors } },
      },
      '/api/providers/{provider}/transactions': {
        get: {
          operationId: 'listProviderTransactions',
          summary: "The provider's own transaction list (HankoPay, HPAY)",
          parameters: [provider, ...Object.entries(pageQuery.properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))],
          responses: { ...ok(transactionPageSchema), ...errors },
        },
      },
      '/api/providers/{provider}/balance': {
        get: { operationId: 'getProviderBalance', summary: 'Wallet or collect balances (HankoPay, HPAY)', parameters: [provider], responses: { ...ok(providerRecordSchema), ...errors } },
      },
      '/api/payouts': {
        post: { operationId: 'createPayout', summary: "A payout from the provider's wallet (HankoPay)", parameters: [idempotencyKey], requestBody: body(payoutSchema), responses: { ...posted(providerRecordSchema, '201', 'Created'), ...providerCallErrors } },
      },
    },
  };
}
