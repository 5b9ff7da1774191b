// The chance minute by minute, drawn as an inline SVG: shared by the tie page's in-play panel and the briefing.
// The vertical axis fits the curve (a 10% -> 0 curve fills the chart instead of hugging the floor), the
// chart takes the width of its box (redrawn when the window changes size), both axes have titles, and
// goals and red cards are marked. Built node by node (never from markup): team names are data, shown
// as text, never parsed as HTML.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const LEFT = 52, RIGHT = 12, TOP = 22, BOTTOM = 42;
  const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25];

  function node(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // The shown range of chances: the curve's own, padded, on round steps, at least 10 points tall, within 0-100%.
  function range(series) {
    let lo = Math.min(...series), hi = Math.max(...series);
    const pad = Math.max(0.02, (hi - lo) * 0.08);
    lo = Math.max(0, lo - pad);
    hi = Math.min(1, hi + pad);
    if (hi - lo < 0.1) {
      const middle = (hi + lo) / 2;
      lo = Math.max(0, Math.min(middle - 0.05, 0.9));
      hi = lo + 0.1;
    }
    const step = STEPS.find((s) => (hi - lo) / s <= 6) || 0.25;
    lo = Math.max(0, Math.floor(lo / step + 1e-9) * step);
    hi = Math.min(1, Math.ceil(hi / step - 1e-9) * step);
    const ticks = [];
    for (let t = lo; t <= hi + 1e-9; t += step) ticks.push(t);
    return { lo, hi, ticks, step };
  }

  // options: side ("home"/"away": whose chance), label (the y axis's title; short, on a narrow chart), minute
  // (the clock's marker), names (of the home and away sides)
  function draw(svg, curve, options) {
    const box = svg.parentElement.getBoundingClientRect();
    const W = Math.round(Math.max(280, Math.min(960, box.width || 640)));
    const H = Math.round(Math.max(220, Math.min(340, W * 0.48)));
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const side = options.side;
    const values = curve.values[side], stayed = curve.stayed[side];
    const last = curve.minutes[curve.minutes.length - 1];
    const y0 = range(values.concat(stayed));
    const x = (m) => LEFT + (W - LEFT - RIGHT) * (m / last);
    const y = (p) => H - BOTTOM - (H - TOP - BOTTOM) * ((p - y0.lo) / (y0.hi - y0.lo));
    const path = (series) => series.map((p, m) => `${m ? "L" : "M"}${x(m).toFixed(1)},${y(p).toFixed(1)}`).join("");
    const parts = [];
    for (const p of y0.ticks) {
      parts.push(node("line", { class: "gridline", x1: LEFT, x2: W - RIGHT, y1: y(p), y2: y(p) }),
        node("text", { class: "tick", x: LEFT - 5, y: y(p) + 4, "text-anchor": "end" }, `${Math.round(100 * p)}%`));
    }
    const every = W < 480 ? 30 : 15;
    for (const m of [0, 15, 30, 45, 60, 75, 90, 105, 120].filter((m) => m <= last && m % every === 0)) {
      parts.push(node("line", { class: "gridline", x1: x(m), x2: x(m), y1: TOP, y2: H - BOTTOM }),
        node("text", { class: "tick", x: x(m), y: H - BOTTOM + 15, "text-anchor": "middle" }, `${m}'`));
    }
    parts.push(node("text", { class: "axis-title", x: LEFT + (W - LEFT - RIGHT) / 2, y: H - 6, "text-anchor": "middle" },
      "minutes played"));
    const middle = TOP + (H - TOP - BOTTOM) / 2;
    parts.push(node("text", { class: "axis-title", x: 12, y: middle, "text-anchor": "middle",
      transform: `rotate(-90 12 ${middle})` }, W < 480 && options.short ? options.short : options.label));
    parts.push(node("path", { class: "stayed", "data-testid": "curve-stayed", d: path(stayed) }),
      node("path", { class: "series", "data-testid": "curve-line", d: path(values) }));
    for (const g of curve.goals) {
      const at = Math.min(g.minute, last);
      parts.push(node("line", { class: `event-line ${g.side}`, x1: x(at), x2: x(at), y1: TOP, y2: H - BOTTOM }));
      const circle = node("circle", { class: `goal ${g.side}`, cx: x(at), cy: y(values[at]), r: 5 });
      circle.append(node("title", {}, `${g.minute}' ${options.names[g.side]}`));
      parts.push(circle, node("text", { class: "event-label", x: x(at), y: TOP - 6, "text-anchor": "middle" },
        `${g.minute}'`));
    }
    for (const r of curve.reds || []) {
      const at = Math.min(r.minute, last);
      const card = node("rect", { class: "red-card", x: x(at) - 4, y: H - BOTTOM - 14, width: 8, height: 11 });
      card.append(node("title", {}, `${r.minute}' red card: ${options.names[r.side]}`));
      parts.push(card);
    }
    if (options.minute !== undefined) {
      const m = Math.min(options.minute, last);
      parts.push(node("line", { class: "marker", "data-testid": "curve-marker", x1: x(m), x2: x(m), y1: TOP, y2: H - BOTTOM }));
    }
    svg.replaceChildren(...parts);
    svg.dataset.values = JSON.stringify(values);
    svg.dataset.range = `${y0.lo.toFixed(2)}-${y0.hi.toFixed(2)}`;
  }

  // Redraw a chart when its box changes width (a phone turned, a window resized).
  function follow(svg, redraw) {
    let width = 0, timer = null;
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const now = Math.round(svg.parentElement.getBoundingClientRect().width);
        if (now !== width) { width = now; redraw(); }
      }, 100);
    });
  }

  window.remontadaCurve = { draw: draw, follow: follow, range: range };
})();
