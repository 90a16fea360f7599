// The page viewer of the review page: zoom (buttons, + / − / 0, Ctrl+wheel), moving a
// zoomed page (drag, or scroll), [ / ] for the previous and next page, and what to show
// when an original has no page images (an e-invoice XML as its invoice; a Word file on a
// server without LibreOffice, why). review.js draws the page and the field's box; this only
// sizes the page's holder, so the box, measured on the image, stays on its words.
"use strict";

(() => {
  const root = document.getElementById("review");
  if (!root) return;
  const pane = document.querySelector(".pages"); // the scrolling column
  const holder = document.getElementById("page");
  const image = document.getElementById("page-image");
  const box = document.getElementById("box");
  const tools = document.getElementById("viewer-tools");
  const level = document.getElementById("zoom-level");
  const documentUrl = `/api/v1/documents/${root.dataset.id}`;
  const MIN = 0.5;
  const MAX = 4;
  const STEP = 1.25;
  let zoom = 1;
  let sharpen = null;

  function setZoom(wanted, anchor) {
    const next = Math.min(MAX, Math.max(MIN, Math.round(wanted * 100) / 100));
    if (next === zoom || !image.clientWidth) return;
    const frame = pane.getBoundingClientRect();
    // The point under the pointer (or the middle of the view) stays where it is.
    const ax = anchor ? anchor.x - frame.left : pane.clientWidth / 2;
    const ay = anchor ? anchor.y - frame.top : pane.clientHeight / 2;
    const page = image.getBoundingClientRect();
    const px = ax - (page.left - frame.left);
    const py = ay - (page.top - frame.top);
    const before = image.clientWidth;
    zoom = next;
    holder.style.width = `${zoom * 100}%`;
    const ratio = image.clientWidth / before;
    moveBox(ratio);
    const moved = image.getBoundingClientRect();
    pane.scrollLeft += (moved.left - frame.left) + px * ratio - ax;
    pane.scrollTop += (moved.top - frame.top) + py * ratio - ay;
    level.value = `${Math.round(zoom * 100)}%`;
    level.textContent = level.value;
    holder.dataset.zoom = String(zoom);
    holder.classList.toggle("zoomed", zoom > 1);
    clearTimeout(sharpen);
    sharpen = setTimeout(sharpenImage, 250);
  }

  // review.js placed the box in pixels of the image as it was shown: the same words, on an
  // image `ratio` times as large, are `ratio` times as far from its corner.
  function moveBox(ratio) {
    if (box.hidden || !box.style.width) return;
    const x = image.offsetLeft;
    const y = image.offsetTop;
    const left = parseFloat(box.style.left);
    const top = parseFloat(box.style.top);
    const width = parseFloat(box.style.width);
    const height = parseFloat(box.style.height);
    // The box is drawn 2 px outside the words on each side.
    Object.assign(box.style, {
      left: `${x + (left + 2 - x) * ratio - 2}px`,
      top: `${y + (top + 2 - y) * ratio - 2}px`,
      width: `${(width - 4) * ratio + 4}px`,
      height: `${(height - 4) * ratio + 4}px`,
    });
  }

  // A page zoomed in is asked for again at the resolution it is now shown at, in the same
  // quarter steps review.js asks in (the server caches each).
  function sharpenImage() {
    const source = image.getAttribute("src");
    if (!source || !image.naturalWidth) return;
    const url = new URL(source, window.location.href);
    const scale = Number(url.searchParams.get("scale")) || 1.5;
    const widthPoints = image.naturalWidth / scale;
    const wanted = (image.clientWidth * (window.devicePixelRatio || 1)) / widthPoints;
    const better = Math.min(4, Math.max(0.25, Math.ceil(wanted * 4) / 4));
    if (better <= scale) return;
    url.searchParams.set("scale", String(better));
    image.src = url.pathname + url.search;
  }

  function fit() {
    setZoom(1);
    pane.scrollLeft = 0;
  }

  function turn(button) {
    const target = document.getElementById(button);
    if (target && !document.getElementById("pager").hidden) {
      target.click();
      pane.scrollTop = 0;
    }
  }

  document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom * STEP));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom / STEP));
  document.getElementById("zoom-fit").addEventListener("click", fit);
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (holder.hidden) return;
    const actions = {
      "+": () => setZoom(zoom * STEP),
      "=": () => setZoom(zoom * STEP),
      "-": () => setZoom(zoom / STEP),
      "0": fit,
      "[": () => turn("page-previous"),
      "]": () => turn("page-next"),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
  pane.addEventListener("wheel", (event) => {
    if (!event.ctrlKey || holder.hidden) return;
    event.preventDefault(); // the browser's own zoom would zoom the fields too
    setZoom(event.deltaY < 0 ? zoom * STEP : zoom / STEP, { x: event.clientX, y: event.clientY });
  }, { passive: false });

  // Dragging moves a page larger than its column; a drag is not a click on a field.
  let drag = null;
  // Pressing on the page keeps the field being checked focused (and its box drawn).
  holder.addEventListener("mousedown", (event) => event.preventDefault());
  holder.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: pane.scrollLeft, top: pane.scrollTop,
             moved: false, id: event.pointerId };
  });
  holder.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      holder.setPointerCapture(event.pointerId);
      holder.classList.add("dragging");
    }
    pane.scrollLeft = drag.left - dx;
    pane.scrollTop = drag.top - dy;
  });
  const endDrag = (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    holder.classList.remove("dragging");
    if (drag.moved) {
      holder.dataset.dragged = "true";
      setTimeout(() => { delete holder.dataset.dragged; }, 0);
    }
    drag = null;
  };
  holder.addEventListener("pointerup", endDrag);
  holder.addEventListener("pointercancel", endDrag);
  holder.addEventListener("click", (event) => {
    if (holder.dataset.dragged) event.stopImmediatePropagation();
  }, true);
  image.draggable = false;

  // --- no page images ------------------------------------------------------------------------

  async function explainNoPages() {
    const mediaType = tools.dataset.mediaType;
    if (mediaType === "application/xml") {
      const frame = document.getElementById("einvoice");
      frame.src = `${documentUrl}/einvoice?lang=${encodeURIComponent(document.body.dataset.lang)}`;
      frame.hidden = false;
      document.getElementById("no-pages").hidden = true;
      return;
    }
    const result = await api("GET", `${documentUrl}/pages`);
    if (result.status === 404 && result.data && result.data.code === "no_converter") {
      document.getElementById("no-converter").hidden = false;
      document.getElementById("no-pages").hidden = true;
    }
  }

  const shown = () => {
    const pages = !holder.hidden && image.getAttribute("src");
    document.getElementById("zoom-tools").hidden = !pages;
    document.getElementById("viewer-keys").hidden = !pages;
  };
  new MutationObserver(shown).observe(image, { attributes: true, attributeFilter: ["src"] });
  new MutationObserver(() => {
    if (!document.getElementById("no-pages").hidden) explainNoPages();
  }).observe(document.getElementById("no-pages"), { attributes: true, attributeFilter: ["hidden"] });
  // review.js may have found no pages before this script ran (a slow download of it lets the
  // page's first requests answer first): the observer would never see that change.
  if (!document.getElementById("no-pages").hidden) explainNoPages();
  shown();
})();
