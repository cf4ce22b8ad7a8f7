/**
 * directcard as a PaymentProvider: card payments taken server-side (direct, pre-authorization
 * and capture, 3-D Secure with installments) and hosted checkout links.
 *
 * Two methods are listed: `directcard:card`, whose card details come in `CreatePaymentRequest.card`,
 * and `directcard:hosted`, the checkout link. For `card`, createPayment chooses by the request:
 *   captureMode 'manual'                          → POST /api/pre-authorization (capture later)
 *   threeDSecure true, or installments > 1        → POST /api/3ds (installments exist only there)
 *   threeDSecure false                            → POST /api/payment
 *   threeDSecure absent                           → the `threeDSecureByDefault` option (true)
 *
 * Choices where the document is silent or inconsistent:
 * - Capabilities: capture yes (pre-authorization); refund and cancel no, since the document
 *   describes neither a refund nor a void; installments yes.
 * - Pre-authorization has no 3-D Secure and no installments in the document, so a manual capture
 *   asked together with either is refused rather than silently downgraded.
 * - 3-D Secure by default: a shopper-present checkout asks the issuer; a merchant who wants
 *   direct payments sets `threeDSecure: false` per payment or `threeDSecureByDefault: false`.
 * - Installments: before /api/3ds, the count is checked against /api/installment-options for the
 *   same card, amount and interest setting ("You should check available installment options
 *   ... before setting this value"); a count not offered is refused with `invalid_request`.
 *   `interestPaidByCustomer` is an option (default true: the shopper sees and pays the interest
 *   the options show) and is sent on every installment-options, 3ds and checkout call so the
 *   options shown are the ones charged. ApiPaymentResponse.amount ("Transaction amount", the
 *   request's words) is passed on as the gateway gives it: the payment service accepts the order
 *   amount or the total with interest of the plan the shopper chose, and holds anything else.
 * - installmentOptions takes the card's first digits: the document's `pan` is a card number, but
 *   plans are per card range, and the element should not send a whole number before paying. Any
 *   6 to 19 digits are passed on as `pan`; a gateway that wants the full number gets it at pay
 *   time, when createPayment checks the count with the full number.
 * - requestIp and requestPort are required by the document (only customerId is marked optional);
 *   a request without shopperIp or shopperPort is refused before anything is sent.
 * - The order reference (`orderId`) is our payment id, unique per attempt.
 * - 3-D Secure: the answer's `htmlContent` is returned as `challengeHtml` with `requires_action`;
 *   the proxy serves it from its own origin and builds the action (no URL is made here). The
 *   gateway posts paymentId + securityKey to successUrl or failureUrl (`challengeReturnUrls`, else
 *   `returnUrls.success`/`fail`); `completeChallenge` completes with the securityKey whichever URL
 *   was posted to, because the completion's answer, not the URL, says how it ended.
 * - No status lookup exists for card payments: their outcome is the answer to the create, capture
 *   or completion call. `getPayment` answers them with `not_supported` and `hasStatusLookup`
 *   says so beforehand; a card payment whose answer was lost (`outcome_unknown`) must be checked
 *   in directcard's dashboard.
 * - Hosted checkout: `redirectUrl` is a top-level redirect (the document says "redirect the
 *   user"; it says nothing about framing). `callback` is the proxy's pending return URL, not the
 *   server callback URL: the document's sample answers it like a webhook, but "form data" and the
 *   absence of any other return URL suggest the shopper's browser is what posts it, and the
 *   return route serves both (it looks the checkout up, then sends a browser on). readCallback
 *   reads the same post (`checkoutId`) if the lead wires it to the callback route instead.
 *   The checkout's providerRef is `checkout:<checkoutId>`, since only checkouts can be looked up.
 * - A checkout lookup checks that the answer's orderId is our payment id, so a forged callback
 *   cannot tie another order's checkout to ours.
 * - Capture answers report the captured amount: it is returned as `capturedAmount`, not `amount`.
 *   A capture answered FAILED (or ENROLLED) raises the gateway's words and leaves the payment
 *   authorized. One answered with an undocumented status, or SUCCESS about another order, may
 *   have been made: it raises outcome_unknown, so that no second capture follows.
 */
import { AppError, ProviderError } from '../../errors.js';
import type {
  CallbackInput,
  ChallengeReturnInput,
  CreatePaymentRequest,
  InstallmentOption,
  PaymentLookup,
  PaymentMethod,
  PaymentProvider,
  ProviderCapabilities,
  ProviderPaymentState,
} from '../provider.js';
import { DirectCardClient, type DirectCardClientOptions } from './client.js';
import type { DirectCardPaymentResponse } from './directcard-types.js';
import {
  checkoutCreatedToState,
  checkoutRef,
  DIRECTCARD_CARD_METHOD,
  DIRECTCARD_HOSTED_METHOD,
  DIRECTCARD_PROVIDER_ID,
  describeFailure,
  directCardMethods,
  installmentOptionsFromResponse,
  mapDirectCardStatus,
  paymentResponseToState,
  readChallengeReturn,
  readCheckoutCallback,
  readProviderRef,
  scrubDirectCardPayload,
  threeDSecureResponseToState,
  toCaptureRequest,
  toCardFields,
  toCheckoutRequest,
  toInstallmentOptionsRequest,
  toPaymentRequest,
  toThreeDSecureRequest,
} from './transformers.js';

export interface DirectCardProviderOptions extends DirectCardClientOptions {
  /** Whether installment interest is the shopper's (sent as interestPaidByCustomer). Default true. */
  interestPaidByCustomer?: boolean;
  /** 3-D Secure when a request does not say. Default true. */
  threeDSecureByDefault?: boolean;
  /** maxInstallmentCount for hosted checkouts when the request names none; absent: directcard's default (1). */
  hostedMaxInstallmentCount?: number;
}

const CAPABILITIES: ProviderCapabilities = { refund: false, capture: true, cancel: false, installments: true };

export function createDirectCardProvider(options: DirectCardProviderOptions): PaymentProvider {
  const client = new DirectCardClient(options);
  const interestPaidByCustomer = options.interestPaidByCustomer ?? true;
  const threeDSecureByDefault = options.threeDSecureByDefault ?? true;

  async function offeredOptions(pan: string, amount: number, currency: string): Promise<InstallmentOption[]> {
    const response = await client.installmentOptions(toInstallmentOptionsRequest({ pan, amount, currency, interestPaidByCustomer }));
    return installmentOptionsFromResponse(response, currency);
  }

  /** A count above 1 must be one directcard offers for this card and amount. */
  async function checkInstallments(request: CreatePaymentRequest): Promise<void> {
    const count = request.installments;
    if (count === undefined || count === 1) return;
    if (!Number.isInteger(count) || count < 1) throw new AppError('invalid_request', 'installments: must be a whole number of 1 or more');
    const pan = toCardFields(request.card ?? missingCard()).pan;
    const offered = await offeredOptions(pan, request.amount, request.currency);
    if (!offered.some((option) => option.count === count)) {
      const counts = offered.map((option) => option.count).join(', ');
      throw new AppError(
        'invalid_request',
        `installments: ${count} installments are not offered for this card and amount${counts ? ` (offered: ${counts})` : ' (none are offered)'}`,
      );
    }
  }

  async function payByCard(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
    const manual = request.captureMode === 'manual';
    const installments = request.installments !== undefined && request.installments !== 1;
    if (manual) {
      if (request.threeDSecure === true || installments) {
        throw new AppError('invalid_request', 'captureMode: directcard pre-authorizations take neither 3-D Secure nor installments');
      }
      const response = await client.preAuthorize(toPaymentRequest(request));
      return checkedCardAnswer(paymentResponseToState(response, 'pre-authorization'), response, request.paymentId);
    }
    if (request.threeDSecure === false && installments) {
      throw new AppError('invalid_request', 'installments: directcard takes installments only with 3-D Secure');
    }
    if (request.threeDSecure ?? (installments || threeDSecureByDefault)) {
      const body = toThreeDSecureRequest(request, { interestPaidByCustomer });
      await checkInstallments(request);
      return threeDSecureResponseToState(await client.startThreeDSecure(body));
    }
    const response = await client.pay(toPaymentRequest(request));
    return checkedCardAnswer(paymentResponseToState(response, 'payment'), response, request.paymentId);
  }

  async function getCheckout(checkoutId: string, paymentId: string): Promise<ProviderPaymentState> {
    const response = await client.getCheckout(checkoutId);
    if (response.orderId && response.orderId !== paymentId) {
      throw new ProviderError(
        'not_found',
        `directcard checkout ${checkoutId} belongs to orderId ${response.orderId}, not ${paymentId}`,
        DIRECTCARD_PROVIDER_ID,
      );
    }
    return paymentResponseToState(response, 'checkout', checkoutRef(checkoutId));
  }

  return {
    id: DIRECTCARD_PROVIDER_ID,
    capabilities: CAPABILITIES,

    // directcard lists no methods or currencies; both ways to pay are offered in any currency.
    listMethods(): Promise<PaymentMethod[]> {
      return Promise.resolve(directCardMethods());
    },

    async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
      switch (request.methodCode) {
        case DIRECTCARD_CARD_METHOD:
          return payByCard(request);
        case DIRECTCARD_HOSTED_METHOD: {
          if (request.captureMode === 'manual') {
            throw new AppError('invalid_request', 'captureMode: directcard checkout links cannot pre-authorize');
          }
          const body = toCheckoutRequest(request, {
            interestPaidByCustomer,
            ...(options.hostedMaxInstallmentCount === undefined ? {} : { maxInstallmentCount: options.hostedMaxInstallmentCount }),
          });
          return checkoutCreatedToState(await client.createCheckout(body));
        }
        default:
          throw new AppError('invalid_request', `methodCode: directcard has no method ${request.methodCode}`);
      }
    },

    async getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      const ref = readProviderRef(lookup.providerRef);
      if (ref?.kind === 'checkout') return getCheckout(ref.checkoutId, lookup.paymentId);
      throw new ProviderError(
        'not_supported',
        `directcard documents no status lookup for card payments (payment ${lookup.paymentId}); its outcome is the answer to the payment, capture or 3-D Secure completion`,
        DIRECTCARD_PROVIDER_ID,
      );
    },

    hasStatusLookup(lookup: PaymentLookup): boolean {
      return readProviderRef(lookup.providerRef)?.kind === 'checkout';
    },

    readCallback(input: CallbackInput): PaymentLookup | undefined {
      const checkoutId = readCheckoutCallback(input.body, input.query);
      // The post carries only directcard's checkoutId: our payment id must come with the URL.
      if (!checkoutId || !input.paymentId) return undefined;
      return { paymentId: input.paymentId, providerRef: checkoutRef(checkoutId) };
    },

    async capture(lookup: PaymentLookup, amount: number, currency: string): Promise<ProviderPaymentState> {
      const ref = readProviderRef(lookup.providerRef);
      if (ref?.kind !== 'payment') {
        throw new ProviderError('conflict', `payment ${lookup.paymentId} is not a directcard pre-authorization`, DIRECTCARD_PROVIDER_ID);
      }
      const response = await client.capture(ref.paymentId, toCaptureRequest(amount, currency));
      const reading = mapDirectCardStatus(response.status, 'capture', response);
      if (reading.status === 'pending') {
        // A word the document does not list may describe a capture made: a refusal would invite a second one.
        throw new ProviderError('outcome_unknown', `directcard answered the capture with an undocumented status (${response.status ?? 'none'}); it may have been made`, DIRECTCARD_PROVIDER_ID, 200, scrubDirectCardPayload(response));
      }
      if (reading.status !== 'succeeded') {
        // The pre-authorization stands: the merchant gets the gateway's words, the payment does not move.
        const failure = reading.failure ?? describeFailure(response, 'provider_rejected');
        throw new ProviderError(failure.code, failure.message, DIRECTCARD_PROVIDER_ID, 200, scrubDirectCardPayload(response));
      }
      // Captured, but perhaps not ours to record: outcome_unknown, never a refusal.
      return checkedCardAnswer(paymentResponseToState(response, 'capture', ref.paymentId), response, lookup.paymentId);
    },

    async installmentOptions(query: { bin: string; amount: number; currency: string }): Promise<InstallmentOption[]> {
      const digits = query.bin.replace(/[\s-]/g, '');
      if (!/^\d{6,19}$/.test(digits)) throw new AppError('invalid_request', 'bin: the first 6 to 19 digits of the card number');
      if (!Number.isSafeInteger(query.amount) || query.amount <= 0) throw new AppError('invalid_request', 'amount: a positive amount in minor units');
      return offeredOptions(digits, query.amount, query.currency);
    },

    async completeChallenge(lookup: PaymentLookup, input: ChallengeReturnInput): Promise<ProviderPaymentState> {
      const ref = readProviderRef(lookup.providerRef);
      const expected = ref?.kind === 'payment' ? ref.paymentId : undefined;
      const posted = readChallengeReturn(input.fields, expected);
      const response = await client.completeThreeDSecure(posted.paymentId, { securityKey: posted.securityKey });
      return checkedCardAnswer(paymentResponseToState(response, '3ds-complete', posted.paymentId), response, lookup.paymentId);
    },
  };
}

function missingCard(): never {
  throw new AppError('invalid_request', 'card: card details are required for a directcard card payment');
}

/** A card answer must be about our order: its orderId, where given, is our payment id. */
function checkedCardAnswer(state: ProviderPaymentState, response: DirectCardPaymentResponse, paymentId: string): ProviderPaymentState {
  if (response.orderId && response.orderId !== paymentId) {
    throw new ProviderError(
      'outcome_unknown',
      `directcard answered about orderId ${response.orderId} instead of ${paymentId}`,
      DIRECTCARD_PROVIDER_ID,
    );
  }
  return state;
}
