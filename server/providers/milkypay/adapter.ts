/**
 * MilkyPay as a PaymentProvider.
 *
 * Invoices are created through the private API (HTTP Basic) when an API user and password are
 * configured, else through the public API (public key). The shopper is sent to `hpp_url`, or
 * through the `flow_data` form; callbacks are signals and the status is always read back.
 *
 * Choices where the document is silent or inconsistent:
 * - No refund, capture or cancel endpoint is documented: all capabilities are false.
 * - After a create that may or may not have happened (timeout, network failure, 5xx, an
 *   unreadable answer), the document says "check the transaction status; if there is none you
 *   can create again". We check (by reference_id, private API) and return what exists, but never
 *   create again here: without a confirmed absence the payment stays waiting (`outcome_unknown`)
 *   and the caller decides. Without private credentials there is no by-reference look-up, so
 *   the answer is `outcome_unknown` directly, and a later look-up of a payment with no invoice id
 *   answers `not_found`, which ends it as never created. That is not a confirmed absence, but
 *   nothing can be paid: an invoice such a create may have made has no callback URL (the public
 *   API sends none) and its page was never handed to the shopper, so it can only expire. Keeping
 *   the payment waiting instead would hold the order forever, since no look-up could settle it.
 *   The shopper may pay again under a new reference_id.
 * - A 400 on create: the document's directive is to "request the transaction status", so with
 *   private credentials an existing invoice for the reference is returned; otherwise the 400
 *   stands as `invalid_request`.
 * - A 409 on create carries the earlier invoice; its state is returned as the create's result.
 * - The public API documents only public_key, reference_id, service, currency, amount and
 *   description. Without private credentials nothing else is sent, so there is no return URL or
 *   callback URL for the invoice (the shopper stays on MilkyPay's page; the proxy learns the
 *   outcome by polling). Services with a required field cannot be paid that way, so they are
 *   not listed, and optional fields are not asked for.
 * - The callback body is not documented: it is read only for the invoice id (`data.id` or `id`,
 *   a `cpi_...` string) and our reference (`reference_id`); its status words are ignored.
 *   Because callbacks carry no signature, `getPayment` checks that an invoice fetched by id
 *   carries the expected reference_id, so a forged callback cannot tie another payment's invoice
 *   to ours.
 * - The by-reference look-up may return several invoices; the most recently created is used.
 * - Test or live: the document's keys are "live or test Public keys" and its sample test key,
 *   `pk_test_...`, is answered `test_mode: true` everywhere. `test_mode` is a request field of
 *   the private create only ("send true for test transactions; it is false by default"), so with
 *   a `pk_test_` key private creates send `test_mode: true`, and with any other key nothing (the
 *   default, live). The public API has no such field: the key decides there.
 */
import { TtlCache } from '../../cache/ttl-cache.js';
import { ProviderError } from '../../errors.js';
import type {
  CallbackInput,
  CreatePaymentRequest,
  PaymentLookup,
  PaymentMethod,
  PaymentProvider,
  ProviderCapabilities,
  ProviderPaymentState,
} from '../provider.js';
import { MilkyPayClient, type MilkyPayClientOptions } from './client.js';
import type { MilkyPayAnyInvoice, MilkyPayPrerequestResponse, MilkyPayPrivateInvoiceResource } from './milkypay-types.js';
import {
  invoiceToPaymentState,
  invoiceViewToPaymentState,
  MILKYPAY_PROVIDER_ID,
  prerequestToPaymentMethods,
  readInvoice,
  readPrivateInvoiceResource,
  toPrivateInvoiceRequest,
  toPublicInvoiceRequest,
} from './transformers.js';

export type { MilkyPayClientOptions } from './client.js';

const CAPABILITIES: ProviderCapabilities = { refund: false, capture: false, cancel: false, installments: false };
/** The pre-request answer is the same for every shopper of a currency; names are localized after. */
const PREREQUEST_TTL_MS = 5 * 60_000;

/** How many locales' method lists are kept per pre-request answer. */
const MAX_CACHED_LOCALES = 16;

/** The readiness pre-request asks for the document's sample currency: only whether the key is taken matters. */
const READINESS_CURRENCY = 'USD';

export function createMilkyPayProvider(options: MilkyPayClientOptions): PaymentProvider {
  const client = new MilkyPayClient(options);
  // Each answer with the methods read from it, per locale: the same for every shopper until the
  // answer itself expires, and they with it.
  const prerequests = new TtlCache<{ response: MilkyPayPrerequestResponse; byLocale: Map<string, PaymentMethod[]> }>(PREREQUEST_TTL_MS);

  async function findByReference(paymentId: string): Promise<MilkyPayPrivateInvoiceResource | undefined> {
    const found = await client.findInvoicesByReference(paymentId);
    const matching = found.filter((invoice) => (invoice.attributes.reference_id ?? paymentId) === paymentId);
    return matching.sort((a, b) => (b.attributes.created ?? 0) - (a.attributes.created ?? 0))[0];
  }

  /** After an unconfirmed create: what exists for the reference, or `outcome_unknown`. */
  async function recoverCreate(request: CreatePaymentRequest, cause: ProviderError): Promise<ProviderPaymentState> {
    const unknown = (detail: string) =>
      new ProviderError(
        'outcome_unknown',
        `${cause.message}; ${detail}. The invoice was not created again; the payment stays waiting.`,
        MILKYPAY_PROVIDER_ID,
        cause.httpStatus,
        cause.raw,
      );
    if (!client.hasPrivateCredentials) {
      if (cause.code === 'outcome_unknown') throw unknown('the public API cannot look invoices up by reference_id');
      throw cause;
    }
    let existing: MilkyPayPrivateInvoiceResource | undefined;
    try {
      existing = await findByReference(request.paymentId);
    } catch (error) {
      if (cause.code !== 'outcome_unknown') throw cause;
      const reason = error instanceof Error ? error.message : String(error);
      throw unknown(`looking it up by reference_id failed too (${reason})`);
    }
    if (existing) return invoiceViewToPaymentState(readPrivateInvoiceResource(existing));
    if (cause.code === 'outcome_unknown') throw unknown(`no invoice with reference_id ${request.paymentId} was found`);
    throw cause;
  }

  function checkReference(invoice: MilkyPayAnyInvoice, lookup: PaymentLookup): MilkyPayAnyInvoice {
    const reference = readInvoice(invoice).referenceId;
    if (lookup.paymentId && reference && reference !== lookup.paymentId) {
      throw new ProviderError(
        'not_found',
        `MilkyPay invoice ${lookup.providerRef ?? ''} belongs to reference_id ${reference}, not ${lookup.paymentId}`,
        MILKYPAY_PROVIDER_ID,
      );
    }
    return invoice;
  }

  return {
    id: MILKYPAY_PROVIDER_ID,
    capabilities: CAPABILITIES,

    /**
     * Every credential in use: the public key by a pre-request (the method list needs it in both
     * modes), and the API user and password, when configured, by a search for a reference we never
     * use. A 401 to either is a refusal; a refusal wins over the other call merely failing.
     */
    async checkCredentials(): Promise<void> {
      const checks: Promise<unknown>[] = [client.prerequest(READINESS_CURRENCY)];
      if (client.hasPrivateCredentials) checks.push(client.findInvoicesByReference('pay-checkout-readiness-probe'));
      const failures = (await Promise.allSettled(checks)).flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      const refusal = failures.find((error) => error instanceof ProviderError && error.code === 'authentication_failed');
      if (failures.length > 0) throw refusal ?? failures[0];
    },

    async listMethods({ currency, locale }): Promise<PaymentMethod[]> {
      const { response, byLocale } = await prerequests.get(currency, async () => ({ response: await client.prerequest(currency), byLocale: new Map() }));
      // Texts are picked without regard to case (pickLocalized): pt-BR and pt-br share one list.
      const key = locale.toLowerCase();
      const known = byLocale.get(key);
      if (known) return known;
      // Shared by every caller from now on: frozen, so none can change another's list.
      const methods = Object.freeze(prerequestToPaymentMethods(response, { currency, locale }, { serviceFields: client.hasPrivateCredentials }).map((method) => Object.freeze({ ...method, fields: Object.freeze(method.fields) }))) as PaymentMethod[];
      // The locale comes from the shopper: a bounded number of them is kept.
      if (byLocale.size < MAX_CACHED_LOCALES) byLocale.set(key, methods);
      return methods;
    },

    async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
      try {
        const { invoice } = client.hasPrivateCredentials
          ? await client.createInvoicePrivate(toPrivateInvoiceRequest(request, options.publicKey))
          : await client.createInvoicePublic(toPublicInvoiceRequest(request, options.publicKey));
        return invoiceToPaymentState(invoice);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        const uncertain = error.code === 'outcome_unknown' || error.code === 'conflict' || error.httpStatus === 400;
        if (!uncertain) throw error;
        return recoverCreate(request, error);
      }
    },

    async getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      if (lookup.providerRef) {
        const invoice = client.hasPrivateCredentials
          ? await client.getInvoicePrivate(lookup.providerRef)
          : await client.getInvoicePublic(lookup.providerRef);
        return invoiceToPaymentState(checkReference(invoice, lookup));
      }
      if (!client.hasPrivateCredentials) {
        throw new ProviderError(
          'not_found',
          `MilkyPay has no invoice id for payment ${lookup.paymentId}, and the public API cannot look invoices up by reference_id: an invoice a lost create may have made was never shown to the shopper and cannot be paid`,
          MILKYPAY_PROVIDER_ID,
        );
      }
      const existing = await findByReference(lookup.paymentId);
      if (!existing) {
        throw new ProviderError(
          'not_found',
          `MilkyPay has no invoice with reference_id ${lookup.paymentId}`,
          MILKYPAY_PROVIDER_ID,
          404,
        );
      }
      return invoiceViewToPaymentState(readPrivateInvoiceResource(existing));
    },

    readCallback(input: CallbackInput): PaymentLookup | undefined {
      const { invoiceId, referenceId } = callbackIdentifiers(input.body);
      if (!input.paymentId && !invoiceId) return undefined;
      // Without our id in the URL, the body's reference_id names the payment; getPayment checks
      // it against the invoice it fetches, so a wrong one finds nothing.
      const lookup: PaymentLookup = { paymentId: input.paymentId ?? referenceId ?? '' };
      if (invoiceId) lookup.providerRef = invoiceId;
      return lookup;
    },
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Invoice id and reference_id from an (undocumented) callback body, in either invoice shape. */
function callbackIdentifiers(body: unknown): { invoiceId?: string; referenceId?: string } {
  const root = record(body);
  const data = record(root?.data);
  const attributes = record(data?.attributes);
  const idCandidate = data?.id ?? root?.id;
  const referenceCandidate = attributes?.reference_id ?? data?.reference_id ?? root?.reference_id;
  const result: { invoiceId?: string; referenceId?: string } = {};
  if (typeof idCandidate === 'string' && /^cpi_[A-Za-z0-9]+$/.test(idCandidate)) result.invoiceId = idCandidate;
  if (typeof referenceCandidate === 'string' && referenceCandidate.length > 0 && referenceCandidate.length <= 200) {
    result.referenceId = referenceCandidate;
  }
  return result;
}
