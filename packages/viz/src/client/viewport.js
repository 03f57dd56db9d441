// Pan and zoom: drag the background to pan, wheel or pinch to zoom at the pointer.
// One transform on one <g> moves everything, so a 2000-node view pans smoothly.

const MIN = 0.04;
const MAX = 3;

/**
 * @param {SVGSVGElement} svg
 * @param {SVGGElement} layer the group that holds the drawing
 * @param {(k: number) => void} onZoom
 */
export function createViewport(svg, layer, onZoom) {
  let tx = 0;
  let ty = 0;
  let k = 1;
  let animation = 0;
  const apply = () => {
    layer.setAttribute(
      "transform",
      `translate(${tx.toFixed(2)},${ty.toFixed(2)}) scale(${k.toFixed(4)})`,
    );
    onZoom(k);
  };
  const clamp = (z) => Math.min(MAX, Math.max(MIN, z));
  const zoomAt = (factor, cx, cy) => {
    const next = clamp(k * factor);
    tx = cx - ((cx - tx) * next) / k;
    ty = cy - ((cy - ty) * next) / k;
    k = next;
    apply();
  };
  const animateTo = (nk, ntx, nty) => {
    cancelAnimationFrame(animation);
    const [k0, x0, y0] = [k, tx, ty];
    const start = performance.now();
    const step = (now) => {
      const t = Math.min(1, (now - start) / 260);
      const e = 1 - (1 - t) ** 3;
      k = k0 + (nk - k0) * e;
      tx = x0 + (ntx - x0) * e;
      ty = y0 + (nty - y0) * e;
      apply();
      if (t < 1) animation = requestAnimationFrame(step);
    };
    animation = requestAnimationFrame(step);
  };

  svg.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      // Pinch gestures arrive as ctrl+wheel with small deltas: zoom faster for them.
      const speed = event.ctrlKey ? 0.01 : 0.0015;
      const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
      zoomAt(Math.exp(-delta * speed), event.clientX - rect.left, event.clientY - rect.top);
    },
    { passive: false },
  );

  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, tx, ty, moved: false, id: event.pointerId };
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag || drag.id !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) svg.setPointerCapture(event.pointerId);
    drag.moved = true;
    svg.classList.add("panning");
    tx = drag.tx + dx;
    ty = drag.ty + dy;
    apply();
  });
  const end = () => {
    svg.classList.remove("panning");
    // A drag ends with a click on whatever is under the pointer: swallow that click.
    if (drag?.moved)
      svg.addEventListener("click", (e) => e.stopPropagation(), { capture: true, once: true });
    drag = null;
  };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);

  return {
    get k() {
      return k;
    },
    /** The part of the drawing on screen, in drawing coordinates. */
    visibleRect() {
      const rect = svg.getBoundingClientRect();
      return { x0: -tx / k, y0: -ty / k, x1: (rect.width - tx) / k, y1: (rect.height - ty) / k };
    },
    zoomBy(factor) {
      const rect = svg.getBoundingClientRect();
      zoomAt(factor, rect.width / 2, rect.height / 2);
    },
    /** Fits a box (drawing coordinates) in the view, leaving room for overlays. */
    fit(x, y, w, h, animate = false, rightInset = 0) {
      const rect = svg.getBoundingClientRect();
      const pad = 48;
      const width = rect.width - rightInset;
      const nk = clamp(
        Math.min(
          (width - 2 * pad) / Math.max(w, 1),
          (rect.height - 2 * pad) / Math.max(h, 1),
          1.25,
        ),
      );
      const ntx = (width - w * nk) / 2 - x * nk;
      const nty = (rect.height - h * nk) / 2 - y * nk;
      if (animate) animateTo(nk, ntx, nty);
      else [k, tx, ty] = [nk, ntx, nty];
      apply();
    },
    /** Moves the drawing by (dx, dy) drawing units: keeps a box still across a re-layout. */
    shift(dx, dy) {
      tx += dx * k;
      ty += dy * k;
      apply();
    },
    /** Brings a point to the centre, zooming in to at least `minK`. */
    centerOn(x, y, minK = 0.9, rightInset = 0) {
      const rect = svg.getBoundingClientRect();
      const nk = Math.max(k, minK);
      animateTo(nk, (rect.width - rightInset) / 2 - x * nk, rect.height / 2 - y * nk);
    },
  };
}
