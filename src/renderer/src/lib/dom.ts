/* Small DOM writes for the ticker's cells: touch the node only when something changed. */

/** Writes text to a node only when it changed (a style recalculation per second, not per cell). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function setClass(el: HTMLElement, className: string): void {
  if (el.className !== className) el.className = className;
}
