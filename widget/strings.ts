/**
 * Every string the element shows, in English. English is compiled in; every other language is a
 * catalog `widget/locales/<tag>.json` with exactly these keys and placeholders, which the proxy
 * sends inside the checkout answer (`CheckoutView.messages`) for the locale the element asks for,
 * so a language costs no request of its own. Placeholders are `{name}`, filled by `interpolate`.
 */
export const en = {
  loading: 'Loading payment methods…',
  loadFailed: 'The payment methods could not be loaded.',
  tryAgain: 'Try again',
  sessionExpiredTitle: 'This checkout has expired',
  sessionExpiredMessage: 'For your security, a checkout stays open for a limited time. Reload the page to start again.',
  reloadPage: 'Reload page',
  networkError: 'The payment service cannot be reached. Check your connection and try again.',
  // Errors by their code (error-text.ts): the proxy's own messages are for developers.
  errorCardDeclined: 'Your card was declined. Try another card or another way to pay.',
  errorPaymentDeclined: 'The payment was declined. Try another way to pay.',
  errorUnavailable: 'The payment service is not available at the moment. Try again in a minute.',
  errorRateLimited: 'Too many attempts in a short time. Wait a moment, then try again.',
  errorCheckoutInvalid: 'This checkout cannot be opened. Reload the page, or contact the shop if this happens again.',
  errorOrderPaid: 'This order already has a payment, or one still being confirmed. Reload the page to see where it stands.',
  errorPaymentInProgress: 'A payment of this order is still being processed. Wait a moment, then try again.',
  errorOutcomeUnknown:
    'We could not confirm whether your payment went through. Contact the shop before paying again, so that you are not charged twice.',
  errorGeneric: 'Something went wrong. Try another way to pay, or contact the shop if this happens again.',
  methodsLegend: 'Payment method',
  // Headings of the method groups, shown when a long list mixes kinds of method.
  methodGroupCard: 'Cards',
  methodGroupBank: 'Bank transfer',
  methodGroupWallet: 'E-wallets',
  methodGroupAlternative: 'Other ways to pay',
  noMethods: 'No payment method is available for this order.',
  chooseMethod: 'Choose a payment method.',
  fieldRequired: 'This field is required.',
  fieldInvalid: 'Enter a valid value.',
  fieldInvalidExample: 'Enter a valid value, for example {example}.',
  pay: 'Pay {amount}',
  processing: 'Processing…',
  redirecting: 'Redirecting to the payment page…',
  frameTitle3ds: '3-D Secure verification',
  frameTitlePage: 'Payment page',
  cancelPayment: 'Cancel payment',
  canceledNotice: 'Payment canceled. You can choose another method.',
  unfinishedNotice: 'You have a payment that is not finished.',
  continuePayment: 'Continue payment',
  checking: 'Waiting for the payment provider to confirm your payment…',
  slowConfirmation:
    'This is taking longer than usual. Keep this page open: it updates by itself. If nothing changes within a few minutes, contact the shop before paying again, so that you are not charged twice.',
  successTitle: 'Payment successful',
  successMessage: 'You paid {amount}.',
  // {amount} is the plan's total, interest included.
  successMessageInstallments: 'You paid {amount} in {count} installments.',
  refundedTitle: 'Payment refunded',
  refundedMessage: 'This payment of {amount} has been refunded, in full or in part.',
  failureTitle: 'Payment failed',
  canceledTitle: 'Payment canceled',
  expiredTitle: 'Payment expired',
  failedMessage: 'The payment did not go through.',
  canceledMessage: 'The payment was canceled.',
  expiredMessage: 'The payment expired before it was completed.',
  tryAnotherMethod: 'Try another method',
  pendingTitle: 'Payment processing',
  pendingMessage: 'Your payment is being processed. We will let you know when it is confirmed.',
  // The card form's and installments' accessible names are part of the contract (tests and
  // integrators look for them): keep these exactly.
  // The card-entry frame's title, the name a screen reader gives the frame.
  cardDetails: 'Card details',
  // In place of the card-entry frame when it could not be loaded.
  cardEntryUnavailable: 'The card form could not be loaded. Check your connection and try again.',
  cardNumber: 'Card number',
  expiryDate: 'Expiry date',
  securityCode: 'Security code',
  nameOnCard: 'Name on card',
  installments: 'Installments',
  expiryPlaceholder: 'MM / YY',
  cardNumberInvalid: 'Enter a valid card number.',
  expiryInvalid: 'Enter the expiry date as MM / YY.',
  cardExpired: 'This card has expired.',
  securityCodeInvalid: 'Enter the {digits}-digit security code.',
  checkingInstallments: 'Checking installment options…',
  singlePayment: 'Single payment',
  // "3 × $34.12": the count and the amount of each installment.
  installmentOption: '{count} × {amount}',
  installmentTotal: 'Total {total}',
  // {rate} is already a percentage in the shopper's locale ("2%", "%2", "2 %").
  installmentInterest: '{rate} interest',
} as const;

export type StringKey = keyof typeof en;
export type Strings = Readonly<Record<StringKey, string>>;
export type MessageValues = Readonly<Record<string, string | number>>;

/** A catalog string with its placeholders filled. */
export type Translate = (key: StringKey, values?: MessageValues) => string;

/** Fills `{name}` placeholders; an unknown placeholder is left as written so it shows in review. */
export function interpolate(template: string, values: MessageValues = {}): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    return value === undefined ? placeholder : String(value);
  });
}

/**
 * Strings in a language: its messages over English. A key the messages lack, or hold as anything
 * but non-empty text, reads English, so a short or damaged catalog never shows a blank.
 */
export function translator(messages?: Readonly<Record<string, unknown>>): Translate {
  const strings: Record<string, string> = { ...en };
  for (const key in en) {
    const message = messages?.[key];
    if (typeof message === 'string' && message) strings[key] = message;
  }
  return (key, values) => interpolate(strings[key] ?? key, values);
}

/** English, the language compiled into the element. */
export const english: Translate = (key, values) => interpolate(en[key], values);
