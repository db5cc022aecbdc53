// The one way the panel puts sentences with user- or API-supplied text on the page.

import { splitIsolated } from './format.js';

/**
 * Replaces the content of `element` with `sentence`, turning each run marked
 * by `isolate` into a `<bdi>` element. The visible text and the accessible name
 * stay the same, but a title with right-to-left override characters cannot
 * reverse the words around it.
 */
export function renderText(element, sentence) {
  const nodes = splitIsolated(sentence).map(({ text, isolated }) => {
    if (!isolated) {
      return document.createTextNode(text);
    }
    const run = document.createElement('bdi');
    run.textContent = text;
    return run;
  });
  element.replaceChildren(...nodes);
}
