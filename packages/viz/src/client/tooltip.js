// One tooltip for the whole drawing, showing a box's full id: a <title> per box would
// add thousands of elements to a big page.

export function wireTooltip(svg, stage, tip) {
  svg.addEventListener("pointerover", (event) => {
    const box = event.target.closest(".v");
    if (!box) return;
    tip.textContent = box.dataset.id;
    tip.hidden = false;
  });
  svg.addEventListener("pointermove", (event) => {
    if (tip.hidden) return;
    const rect = stage.getBoundingClientRect();
    tip.style.transform = `translate(${event.clientX - rect.left + 14}px, ${event.clientY - rect.top + 16}px)`;
  });
  svg.addEventListener("pointerout", (event) => {
    if (event.target.closest(".v") && !event.relatedTarget?.closest?.(".v")) tip.hidden = true;
  });
}
