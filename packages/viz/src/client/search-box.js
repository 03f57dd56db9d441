// The search box: matches dim everything else; arrows pick a result, Enter or a click
// goes there (the page reveals it: expands namespaces, clears filters hiding it).
import { resultsHtml, searchVertices } from "./sidebar.js";

/**
 * @param {{ data: any, input: HTMLInputElement, results: HTMLElement, visible: () => any,
 *   onHits: (hits: number[]) => void, onPick: (index: number) => void }} options
 */
export function wireSearch({ data, input, results, visible, onHits, onPick }) {
  let active = 0;
  const run = () => {
    const hits = searchVertices(data, input.value, Number.POSITIVE_INFINITY);
    active = 0;
    results.hidden = input.value.trim() === "";
    results.innerHTML = results.hidden
      ? ""
      : resultsHtml(data, hits.slice(0, 40), hits.length, 0, visible());
    onHits(hits);
  };
  const pick = (button) => {
    results.hidden = true;
    onPick(+button.dataset.result);
  };
  input.addEventListener("input", run);
  input.addEventListener("keydown", (event) => {
    const buttons = [...results.querySelectorAll("[data-result]")];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active =
        (active + (event.key === "ArrowDown" ? 1 : buttons.length - 1)) %
        Math.max(buttons.length, 1);
      for (const [n, b] of buttons.entries()) b.classList.toggle("active", n === active);
    } else if (event.key === "Enter" && buttons[active]) {
      pick(buttons[active]);
    } else if (event.key === "Escape") {
      input.value = "";
      run();
      input.blur();
    }
  });
  results.addEventListener("click", (event) => {
    const hit = event.target.closest("[data-result]");
    if (hit) pick(hit);
  });
  input.addEventListener("focus", () => {
    if (input.value.trim()) results.hidden = false;
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".search-wrap")) results.hidden = true;
  });
  return { focus: () => input.focus() };
}
