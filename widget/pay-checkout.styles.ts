import { css, unsafeCSS } from 'lit';
import { THEME_PROPERTY_NAMES } from './theme-properties.js';

/** Dark defaults (widget/theme-properties.ts): with `theme="dark"`, or a dark preference unless `theme="light"`. */
const dark = css`
  color-scheme: dark;
  --_primary: var(--pay-color-primary, #60a5fa);
  --_on-primary: var(--pay-color-on-primary, #0b1220);
  --_text: var(--pay-color-text, #e5e7eb);
  --_muted: var(--pay-color-muted, #9ca3af);
  --_border: var(--pay-color-border, #374151);
  --_background: var(--pay-color-background, #111827);
  --_error: var(--pay-color-error, #f87171);
  --_success: var(--pay-color-success, #4ade80);
`;

/**
 * A zero-time transition of every --pay-* property: a change by the page (a class on <html>, a
 * media query) restyles the element without any update of it, and its transitionend is how the
 * card frame, which cannot inherit these, hears of it (card-frame-controller.ts).
 */
const themeTransitions = unsafeCSS(THEME_PROPERTY_NAMES.map((name) => `${name} 1ms step-start allow-discrete`).join(', '));

/**
 * The element's look: neutral and quiet so it sits in any shop. Every color, the font, the
 * radius, the spacing and the density come from `--pay-*` custom properties with light and dark
 * defaults (widget/theme-properties.ts); every visible block carries a `part` name for anything deeper.
 */
export const payCheckoutStyles = css`
  :host {
    --_primary: var(--pay-color-primary, #2563eb);
    --_on-primary: var(--pay-color-on-primary, #ffffff);
    --_text: var(--pay-color-text, #1f2937);
    --_muted: var(--pay-color-muted, #6b7280);
    --_border: var(--pay-color-border, #d1d5db);
    --_background: var(--pay-color-background, #ffffff);
    --_error: var(--pay-color-error, #dc2626);
    --_success: var(--pay-color-success, #16a34a);
    --_radius: var(--pay-radius, 8px);
    --_spacing: var(--pay-spacing, 16px);
    /* Scales the height of rows, inputs and buttons: 0.75 is compact, 1.25 roomy. */
    --_density: var(--pay-density, 1);
    color-scheme: light;
    --_ring: 0 0 0 3px color-mix(in srgb, var(--_primary) 30%, transparent);

    display: block;
    font-family: var(
      --pay-font-family,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Helvetica Neue',
      Arial,
      sans-serif
    );
    font-size: var(--pay-font-size, 16px);
    line-height: 1.5;
    color: var(--_text);
    transition: ${themeTransitions};
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }

  :host([theme='dark']) {
    ${dark}
  }

  :host([hidden]),
  [hidden] {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .container {
    display: grid;
    gap: var(--_spacing);
    background: var(--_background);
    color: var(--_text);
    /* Japanese and other scripts without spaces wrap between phrases, not inside a word. */
    word-break: auto-phrase;
  }

  /* Margins, not a grid gap: the two live regions stay in the DOM while empty and must take no room. */
  form {
    margin: 0;
  }

  form > * + * {
    margin-top: var(--_spacing);
  }

  form > .live:empty {
    margin-top: 0;
  }

  p {
    margin: 0;
  }

  /* Methods */

  .methods,
  .installments {
    display: grid;
    gap: calc(var(--_spacing) / 2);
    margin: 0;
    padding: 0;
    border: 0;
    min-width: 0;
  }

  .legend {
    padding: 0;
    margin-bottom: calc(var(--_spacing) / 2);
    font-weight: 600;
    font-size: 0.9375em;
  }

  .method,
  .installment {
    display: flex;
    align-items: center;
    gap: 12px;
    min-height: calc(52px * var(--_density));
    padding: calc(12px * var(--_density)) 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
    cursor: pointer;
    transition:
      border-color 0.15s ease,
      box-shadow 0.15s ease;
  }

  .method:hover,
  .installment:hover {
    border-color: color-mix(in srgb, var(--_primary) 45%, var(--_border));
  }

  .method.selected,
  .installment.selected {
    border-color: var(--_primary);
    box-shadow: 0 0 0 1px var(--_primary);
    background: color-mix(in srgb, var(--_primary) 4%, var(--_background));
  }

  .method input[type='radio'],
  .installment input[type='radio'] {
    flex: none;
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--_primary);
    cursor: pointer;
  }

  /* A long list in groups: one grid gap between groups, a smaller one inside. */
  .method-group {
    display: grid;
    gap: calc(var(--_spacing) / 2);
  }

  .method-group + .method-group {
    margin-top: calc(var(--_spacing) / 2);
  }

  .method-group-title {
    color: var(--_muted);
    font-size: 0.8125em;
    font-weight: 600;
    letter-spacing: 0.02em;
  }

  .logo {
    flex: none;
    width: 40px;
    height: 28px;
    object-fit: contain;
  }

  .method-name {
    min-width: 0;
    overflow-wrap: anywhere;
    font-weight: 500;
  }

  .empty {
    padding: var(--_spacing);
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    color: var(--_muted);
    text-align: center;
  }

  /* Fields */

  .fields {
    display: grid;
    gap: var(--_spacing);
  }

  .field {
    display: grid;
    gap: 6px;
  }

  .label {
    font-weight: 500;
    font-size: 0.9375em;
  }

  .input {
    width: 100%;
    padding: calc(10px * var(--_density)) 12px;
    font: inherit;
    color: var(--_text);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    transition:
      border-color 0.15s ease,
      box-shadow 0.15s ease;
  }

  .input::placeholder {
    color: var(--_muted);
    opacity: 0.8;
  }

  .input:focus {
    outline: none;
    border-color: var(--_primary);
    box-shadow: var(--_ring);
  }

  .input[aria-invalid='true'] {
    border-color: var(--_error);
  }

  .input[aria-invalid='true']:focus {
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_error) 25%, transparent);
  }

  .hint {
    color: var(--_muted);
    font-size: 0.875em;
  }

  .field-error {
    color: var(--_error);
    font-size: 0.875em;
  }

  /* Card: the fields are in the proxy's frame (widget/card-entry/card-entry.css). */

  /* The frame's page keeps 4px around its fields for their focus ring; this lines them up with ours. */
  .card-frame {
    display: block;
    width: calc(100% + 8px);
    margin-inline: -4px;
    border: 0;
    color-scheme: normal;
  }

  form > .card-frame {
    margin-top: calc(var(--_spacing) - 4px);
    margin-bottom: -4px;
  }

  /* Installments */

  /* The shared fieldset rule above zeroes margins; this one follows the card form like any block. */
  form > .installments {
    margin-top: var(--_spacing);
  }

  .installment-text {
    display: grid;
    min-width: 0;
  }

  .installment-name {
    font-weight: 500;
    font-variant-numeric: tabular-nums;
  }

  .installment-detail {
    color: var(--_muted);
    font-size: 0.875em;
  }

  .installments-status {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--_muted);
    font-size: 0.875em;
  }

  .installments-status .spinner {
    width: 14px;
    height: 14px;
  }

  /* Messages */

  .error,
  .notice {
    padding: 12px 14px;
    border-radius: var(--_radius);
    font-size: 0.9375em;
  }

  .error {
    color: var(--_error);
    background: color-mix(in srgb, var(--_error) 7%, var(--_background));
    border: 1px solid color-mix(in srgb, var(--_error) 35%, var(--_background));
  }

  .notice {
    color: var(--_text);
    background: color-mix(in srgb, var(--_muted) 8%, var(--_background));
    border: 1px solid var(--_border);
  }

  /* "You have a payment that is not finished." with its button beside it, or under it when narrow. */
  .unfinished {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px 12px;
    /* Above the method list, whose fieldset has no margin of its own. */
    margin-bottom: var(--_spacing);
    padding-block: 10px;
  }

  /* The message keeps its line; the button moves under it rather than squeezing it into two. */
  .unfinished p {
    flex: 1 1 auto;
  }

  .unfinished .secondary {
    padding: 5px 12px;
  }

  .error-title {
    font-weight: 600;
  }

  .expired {
    display: grid;
    gap: 8px;
    justify-items: start;
    padding: 12px 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_muted) 8%, var(--_background));
  }

  .expired .secondary {
    margin-top: 4px;
  }

  .load-error {
    display: grid;
    gap: 12px;
    justify-items: start;
  }

  .status {
    display: grid;
    justify-items: center;
    gap: 12px;
    padding: calc(var(--_spacing) * 1.5) var(--_spacing);
    color: var(--_muted);
    text-align: center;
  }

  .status-line {
    display: flex;
    align-items: center;
    gap: 12px;
  }

  .status-advice {
    max-width: 36em;
    color: var(--_text);
    font-size: 0.9375em;
  }

  /* Loading: the shape of what is coming. */
  .skeleton {
    display: grid;
    gap: calc(var(--_spacing) / 2);
  }

  .bone {
    display: block;
    height: calc(52px * var(--_density));
  }

  /* A card frame not loaded yet shimmers like the skeleton instead of leaving a blank gap. */
  .bone,
  .card-frame.loading {
    border-radius: var(--_radius);
    background: linear-gradient(
      90deg,
      color-mix(in srgb, var(--_muted) 12%, var(--_background)) 0%,
      color-mix(in srgb, var(--_muted) 22%, var(--_background)) 50%,
      color-mix(in srgb, var(--_muted) 12%, var(--_background)) 100%
    );
    background-size: 200% 100%;
    animation: shimmer 1.4s ease-in-out infinite;
  }

  /* The card frame's shimmer lines up with the rows around it, inside the 4px kept for the focus ring. */
  .card-frame.loading {
    padding: 4px;
    background-clip: content-box;
  }

  .bone-legend {
    width: 40%;
    height: 1em;
  }

  .bone-button {
    margin-top: calc(var(--_spacing) / 2);
    height: calc(48px * var(--_density));
  }

  @keyframes shimmer {
    from {
      background-position: 100% 0;
    }
    to {
      background-position: -100% 0;
    }
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  .primary .spinner {
    width: 16px;
    height: 16px;
    border-color: color-mix(in srgb, var(--_on-primary) 35%, transparent);
    border-top-color: var(--_on-primary);
  }

  .spinner {
    flex: none;
    width: 20px;
    height: 20px;
    border: 2px solid color-mix(in srgb, var(--_primary) 20%, transparent);
    border-top-color: var(--_primary);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  /* Buttons */

  button {
    font: inherit;
    border-radius: var(--_radius);
    cursor: pointer;
  }

  button:focus-visible,
  .method input[type='radio']:focus-visible,
  .installment input[type='radio']:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }

  .primary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 10px;
    width: 100%;
    min-height: calc(48px * var(--_density));
    padding: calc(12px * var(--_density)) 16px;
    border: 0;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
    transition:
      background-color 0.15s ease,
      opacity 0.15s ease;
  }

  .primary:hover:not([aria-disabled='true']) {
    background: color-mix(in srgb, var(--_primary) 88%, #000000);
  }

  .primary[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }

  .secondary {
    flex: none;
    padding: 8px 14px;
    white-space: nowrap;
    border: 1px solid var(--_border);
    background: var(--_background);
    color: var(--_text);
    font-weight: 500;
  }

  .secondary:hover {
    background: color-mix(in srgb, var(--_muted) 8%, var(--_background));
  }

  /* Result */

  .result {
    display: grid;
    justify-items: center;
    gap: 8px;
    padding: calc(var(--_spacing) * 1.5) var(--_spacing);
    text-align: center;
  }

  .result-icon {
    width: 48px;
    height: 48px;
    padding: 10px;
    border-radius: 50%;
    fill: none;
    stroke: currentColor;
    stroke-width: 2.25;
    stroke-linecap: round;
    stroke-linejoin: round;
    color: var(--_muted);
    background: color-mix(in srgb, var(--_muted) 12%, var(--_background));
  }

  .result-success .result-icon {
    color: var(--_success);
    background: color-mix(in srgb, var(--_success) 12%, var(--_background));
  }

  .result-failure .result-icon {
    color: var(--_error);
    background: color-mix(in srgb, var(--_error) 10%, var(--_background));
  }

  .result-unsettled .result-icon {
    color: var(--_primary);
    background: color-mix(in srgb, var(--_primary) 10%, var(--_background));
  }

  .result-title {
    margin: 4px 0 0;
    font-size: 1.25em;
    line-height: 1.3;
    font-weight: 600;
  }

  .result-title:focus,
  .status:focus,
  .expired:focus {
    outline: none;
  }

  .result-message {
    color: var(--_muted);
    max-width: 36em;
  }

  .result .primary {
    margin-top: 12px;
  }

  /* Dialog */

  .dialog {
    width: min(600px, calc(100vw - 32px));
    max-width: none;
    height: min(720px, calc(100vh - 32px));
    max-height: none;
    padding: 0;
    border: 0;
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_text);
    box-shadow:
      0 20px 25px -5px rgb(0 0 0 / 0.15),
      0 8px 10px -6px rgb(0 0 0 / 0.1);
    overflow: hidden;
  }

  .dialog[open] {
    display: flex;
    flex-direction: column;
  }

  .dialog::backdrop {
    background: rgb(15 23 42 / 0.55);
  }

  .dialog-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding: 12px var(--_spacing);
    border-bottom: 1px solid var(--_border);
  }

  .dialog-title {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
    line-height: 1.3;
  }

  .frame {
    display: block;
    flex: 1;
    width: 100%;
    min-height: 0;
    border: 0;
    background: #ffffff;
  }

  /* Narrow screens: the provider's page needs all the room there is. */
  @media (max-width: 640px) {
    .dialog {
      width: 100vw;
      height: 100vh;
      height: 100dvh;
      margin: 0;
      border-radius: 0;
    }

    .dialog-header {
      padding: 10px 12px;
    }

    .dialog-header .secondary {
      padding: 6px 12px;
      font-size: 0.875em;
    }
  }

  /* Forced colors drop box-shadows and backgrounds: the focus ring and the edges they drew become lines. */
  @media (forced-colors: active) {
    .input:focus {
      outline: 2px solid Highlight;
    }

    .primary,
    .dialog {
      border: 1px solid CanvasText;
    }

    .bone,
    .card-frame.loading {
      border: 1px solid GrayText;
    }

    .primary[aria-disabled='true'] {
      color: GrayText;
      border-color: GrayText;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }

    .bone,
    .card-frame.loading {
      animation: none;
    }

    .method,
    .installment,
    .input,
    .primary {
      transition: none;
    }
  }
`;
