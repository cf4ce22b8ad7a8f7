import { html, type TemplateResult } from 'lit';
import type { Translate } from '../strings.js';

export interface CardFrameParams {
  /** The card-entry page of the proxy. */
  src: string;
  height: number;
  /** Not answered yet: a shimmer fills its place, and it is busy for screen readers. */
  loading: boolean;
  onLoad: (frame: HTMLIFrameElement) => void;
  /** The frame could not be loaded: an error and "Try again" take its place. */
  unavailable: boolean;
  onRetry: () => void;
  t: Translate;
}

/**
 * The card inputs, in a frame of the proxy's origin that no script of the merchant's page can
 * read. Its title names it for screen readers; Tab moves into and out of it like any block of
 * fields. The height comes from the frame, set through the style property (CSSOM), which a strict
 * CSP on the merchant's page allows; a style attribute, which styleMap writes on first render,
 * is refused by a policy without 'unsafe-inline' for styles.
 */
export function renderCardFrame({ src, height, loading, onLoad, unavailable, onRetry, t }: CardFrameParams): TemplateResult {
  if (unavailable) {
    return html`<div class="load-error card-entry-error" part="load-error">
      <p class="error" part="error" role="alert">${t('cardEntryUnavailable')}</p>
      <button type="button" class="secondary" part="secondary-button" @click=${onRetry}>${t('tryAgain')}</button>
    </div>`;
  }
  return html`<iframe
    class="card-frame ${loading ? 'loading' : ''}"
    part="card-frame"
    title=${t('cardDetails')}
    aria-busy=${loading ? 'true' : 'false'}
    src=${src}
    .style=${`height: ${height}px`}
    @load=${(event: Event) => onLoad(event.currentTarget as HTMLIFrameElement)}
  ></iframe>`;
}
