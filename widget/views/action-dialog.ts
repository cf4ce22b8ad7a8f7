import { html, type TemplateResult } from 'lit';
import type { FrameAction } from '../checkout-controller.js';
import type { Translate } from '../strings.js';

export interface ActionDialogParams {
  action: FrameAction;
  onCancel: () => void;
  t: Translate;
}

export const DIALOG_TITLE_ID = 'pay-dialog-title';

/**
 * The provider's page or 3-D Secure challenge in a modal dialog (the element opens it with
 * showModal after rendering). The frame may run scripts and submit forms, keeps its own origin
 * (3-D Secure pages need their cookies), and may navigate the top window only on a click.
 * Escape counts as "Cancel payment"; so does any other way the browser closes it (a close watcher
 * may skip the cancel event), which is why `close` is handled too.
 */
export function renderActionDialog({ action, onCancel, t }: ActionDialogParams): TemplateResult {
  const title = action.type === 'html' ? t('frameTitle3ds') : t('frameTitlePage');
  return html`
    <dialog
      class="dialog"
      part="dialog"
      aria-labelledby=${DIALOG_TITLE_ID}
      @cancel=${(event: Event) => {
        event.preventDefault();
        onCancel();
      }}
      @close=${onCancel}
    >
      <div class="dialog-header" part="dialog-header">
        <h2 class="dialog-title" part="dialog-title" id=${DIALOG_TITLE_ID}>${title}</h2>
        <button type="button" class="secondary" part="secondary-button" @click=${onCancel}>${t('cancelPayment')}</button>
      </div>
      <iframe
        class="frame"
        part="frame"
        title=${title}
        src=${action.url}
        sandbox="allow-forms allow-scripts allow-same-origin allow-top-navigation-by-user-activation allow-popups"
      ></iframe>
    </dialog>
  `;
}
