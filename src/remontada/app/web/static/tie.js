// The in-play panel of a tie page: the clock, the score and red cards go to /api/live (the chance
// now) and the goal timeline to /api/curve (the chance minute by minute), drawn as an inline SVG.
(function () {
  "use strict";
  const panel = document.getElementById("live-panel");
  const params = JSON.parse(panel.dataset.params);
  const teamA = panel.dataset.teamA;
  const names = { home: panel.dataset.home, away: panel.dataset.away };
  const $ = (id) => document.getElementById(id);
  const state = { minute: 0, goals: [], reds: [] }; // goals and reds: {minute, side}
  let sequence = 0;
  let timer = null;

  const pct = (p) => (100 * p).toFixed(1) + "%";
  const count = (events, side) => events.filter((e) => e.side === side).length;
  const timeline = (events) => events.map((e) => `${Math.max(1, e.minute)}:${names[e.side]}`).join(",");

  function query(extra) {
    const q = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra)) if (v !== "") q.set(k, v);
    return q.toString();
  }

  async function getJSON(url) {
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : response.statusText);
    return body;
  }

  async function update() {
    const mine = ++sequence;
    // the chance now counts the events up to the clock (moved back, later goals have not happened yet),
    // as the curve does: an event in minute m counts from the end of it (minute 0's from minute 1)
    const sofar = (events) => events.filter((e) => Math.max(1, e.minute) <= Math.max(1, state.minute));
    const goals = sofar(state.goals);
    const cards = sofar(state.reds);
    const score = `${count(goals, "home")}-${count(goals, "away")}`;
    const reds = `${count(cards, "home")}-${count(cards, "away")}`;
    panel.dataset.state = "loading";
    try {
      const [now, curve] = await Promise.all([
        getJSON("/api/live?" + query({ minute: state.minute, score: score,
          home_red: count(cards, "home"), away_red: count(cards, "away") })),
        getJSON("/api/curve?" + query({ goals: timeline(state.goals), reds: timeline(state.reds) })),
      ]);
      if (mine !== sequence) return; // a newer request is on its way
      const tie = now.probabilities;
      const pa = tie ? tie.p_a : now.p_home;
      const pb = tie ? tie.p_b : now.p_away;
      for (const [id, p] of [["p-now-a", pa], ["p-now-b", pb]]) {
        $(id).textContent = pct(p);
        $(id).dataset.value = p;
      }
      $("now-label").textContent = `${tie ? "going through" : "winning the match"}, ${now.home} ${score} ${now.away} after ${state.minute} minutes`;
      draw(curve);
      $("live-error").hidden = true;
      Object.assign(panel.dataset, { state: "ready", minute: state.minute, score: score, reds: reds });
    } catch (error) {
      if (mine !== sequence) return;
      $("live-error").textContent = error.message;
      $("live-error").hidden = false;
      Object.assign(panel.dataset, { state: "error", minute: state.minute, score: score, reds: reds });
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  }

  // --- the curve: team A's chance, minute by minute, and had the score stayed as at kick-off ---
  // Built node by node (never from markup): team names are data, shown as text, never parsed as HTML.
  const W = 640, H = 260, PAD = 36;
  const SVG = "http://www.w3.org/2000/svg";
  function node(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
    if (text !== undefined) element.textContent = text;
    return element;
  }
  function draw(curve) {
    const svg = $("curve");
    const key = curve.home === teamA ? "home" : "away";
    const values = curve.values[key], stayed = curve.stayed[key];
    const last = curve.minutes[curve.minutes.length - 1];
    const x = (m) => PAD + (W - 2 * PAD) * (m / last);
    const y = (p) => H - PAD - (H - 2 * PAD) * p;
    const path = (series) => series.map((p, m) => `${m ? "L" : "M"}${x(m).toFixed(1)},${y(p).toFixed(1)}`).join("");
    const parts = [];
    for (const p of [0, 0.25, 0.5, 0.75, 1]) {
      parts.push(node("line", { class: "gridline", x1: PAD, x2: W - PAD, y1: y(p), y2: y(p) }),
        node("text", { class: "tick", x: PAD - 4, y: y(p) + 4, "text-anchor": "end" }, `${100 * p}%`));
    }
    for (const m of [0, 15, 30, 45, 60, 75, 90, 105, 120].filter((m) => m <= last)) {
      parts.push(node("text", { class: "tick", x: x(m), y: H - PAD + 16, "text-anchor": "middle" }, `${m}'`));
    }
    parts.push(node("path", { class: "stayed", "data-testid": "curve-stayed", d: path(stayed) }),
      node("path", { class: "series", "data-testid": "curve-line", d: path(values) }));
    for (const g of curve.goals) {
      const circle = node("circle", { class: "goal", cx: x(g.minute), cy: y(values[g.minute]), r: 4 });
      circle.append(node("title", {}, `${g.minute}' ${names[g.side]}`));
      parts.push(circle);
    }
    const m = Math.min(state.minute, last);
    parts.push(node("line", { class: "marker", "data-testid": "curve-marker", x1: x(m), x2: x(m), y1: PAD, y2: H - PAD }));
    svg.replaceChildren(...parts);
    svg.dataset.values = JSON.stringify(values);
    svg.dataset.goals = timeline(state.goals);
  }

  // --- the controls ---
  $("minute").addEventListener("input", (event) => {
    state.minute = Number(event.target.value);
    $("minute-value").textContent = state.minute;
    later();
  });
  for (const side of ["home", "away"]) {
    $(`${side}-plus`).addEventListener("click", () => {
      state.goals.push({ minute: state.minute, side: side });
      $(`${side}-goals`).textContent = count(state.goals, side);
      update();
    });
    $(`${side}-minus`).addEventListener("click", () => {
      const i = state.goals.map((g) => g.side).lastIndexOf(side);
      if (i < 0) return;
      state.goals.splice(i, 1);
      $(`${side}-goals`).textContent = count(state.goals, side);
      update();
    });
    $(`${side}-red`).addEventListener("change", (event) => {
      state.reds = state.reds.filter((r) => r.side !== side);
      if (event.target.checked) state.reds.push({ minute: state.minute, side: side });
      update();
    });
  }
  update();
})();
