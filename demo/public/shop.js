// Shows the element's events, as a merchant's developer would wire them.
const log = document.getElementById('event-log');
for (const type of ['pay-ready', 'pay-method-select', 'pay-complete', 'pay-error']) {
  document.addEventListener(type, (event) => {
    if (!log) return;
    const item = document.createElement('li');
    item.textContent = `${type} ${JSON.stringify(event.detail ?? {})}`;
    log.append(item);
  });
}
