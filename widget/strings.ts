/**
 * Every string the element shows, in English. Other languages will be catalogs of the same
 * shape (`Strings`), picked by locale. Placeholders are `{name}`, filled by `interpolate`.
 */
export const en = {
  loading: 'Loading payment methods…',
  loadFailed: 'The payment methods could not be loaded.',
  tryAgain: 'Try again',
  networkError: 'The payment service cannot be reached. Check your connection and try again.',
  methodsLegend: 'Payment method',
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
  checking: 'Checking your payment…',
  successTitle: 'Payment successful',
  successMessage: 'You paid {amount}.',
  refundedTitle: 'Payment refunded',
  refundedMessage: 'This payment of {amount} has been refunded, in full or in part.',
  failureTitle: 'Payment failed',
  failedMessage: 'The payment did not go through.',
  canceledMessage: 'The payment was canceled.',
  expiredMessage: 'The payment expired before it was completed.',
  tryAnotherMethod: 'Try another method',
  pendingTitle: 'Payment processing',
  pendingMessage: 'Your payment is being processed. We will let you know when it is confirmed.',
} as const;

export type StringKey = keyof typeof en;
export type Strings = Readonly<Record<StringKey, string>>;

/** The language tag of the catalog in use, set on the element's container for screen readers. */
export const stringsLang = 'en';

/** Fills `{name}` placeholders; an unknown placeholder is left as written so it shows in review. */
export function interpolate(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** A catalog string with its placeholders filled. */
export function t(key: StringKey, values?: Readonly<Record<string, string | number>>): string {
  return interpolate(en[key], values);
}
