// The in-play panel of a tie page: the clock, the score, red cards and changes of approach go to /api/live
// (the chance now) and the goal and card timelines to /api/curve (the chance minute by minute, drawn by
// curve.js). The panel's state is the page's URL (minute, goals, reds, what_if), so a view can be shared;
// the server reads it back (brought to the nearest state a match can be in) when the page loads.
(function () {
  "use strict";
  const panel = document.getElementById("live-panel");
  const params = JSON.parse(panel.dataset.params);
  const initial = JSON.parse(panel.dataset.initial);
  const teamA = panel.dataset.teamA;
  const names = { home: panel.dataset.home, away: panel.dataset.away };
  const $ = (id) => document.getElementById(id);
  const state = { minute: initial.minute, goals: initial.goals, reds: initial.reds, whatIf: initial.what_if };
  const APPROACHES = { "": null, push: { for: 1.3, against: 1.2 }, "sit-back": { for: 0.75, against: 0.7 } };
  let sequence = 0;
  let timer = null;
  let latest = null;

  const pct = (p) => (100 * p).toFixed(1) + "%";
  const count = (events, side) => events.filter((e) => e.side === side).length;
  // In the URL a side is named as the page names it, unless the name would break the list (then home/away).
  const label = (side) => (/[,:]/.test(names[side]) ? side : names[side]);
  const timeline = (events, name) => events.map((e) => `${Math.max(1, e.minute)}:${name(e.side)}`).join(",");
  const signed = (x) => `${x >= 1 ? "+" : ""}${Math.round((x - 1) * 100)}%`;
  const change = (side, name) => {
    const w = state.whatIf[side];
    return `${name(side)}:${signed(w.for)},${signed(w.against)}`;
  };
  const changes = (name) => Object.keys(state.whatIf).sort().map((side) => change(side, name));

  function query(extra, list) {
    const q = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra)) if (v !== "") q.set(k, v);
    for (const v of list || []) q.append("what_if", v);
    return q.toString();
  }

  // The page's own URL follows the panel (replaceState: the back button still leaves the page).
  function remember() {
    const url = new URL(window.location.href);
    for (const k of ["minute", "goals", "reds", "what_if", "score", "home_red", "away_red"]) url.searchParams.delete(k);
    if (state.minute) url.searchParams.set("minute", state.minute);
    if (state.goals.length) url.searchParams.set("goals", timeline(state.goals, label));
    if (state.reds.length) url.searchParams.set("reds", timeline(state.reds, label));
    for (const w of changes(label)) url.searchParams.append("what_if", w);
    window.history.replaceState(null, "", url);
    $("share").href = url.toString();
  }

  async function getJSON(url) {
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : response.statusText);
    return body;
  }

  function show() {
    for (const side of ["home", "away"]) {
      $(`${side}-goals`).textContent = count(state.goals, side);
      $(`${side}-red`).checked = count(state.reds, side) > 0;
      const w = state.whatIf[side];
      const select = $(`${side}-approach`);
      const key = Object.keys(APPROACHES).find((k) => (APPROACHES[k] === null ? !w
        : w && APPROACHES[k].for === w.for && APPROACHES[k].against === w.against));
      if (key === undefined) { // a change from a shared link that is none of the menu's: offered as it is
        const own = `own-${signed(w.for)},${signed(w.against)}`;
        if (!APPROACHES[own]) {
          APPROACHES[own] = w;
          select.append(new Option(`${signed(w.for)} for, ${signed(w.against)} against`, own));
        }
        select.value = own;
      } else select.value = key;
    }
    $("minute").value = state.minute;
    $("minute-value").textContent = state.minute;
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
    const side = (s) => s; // the API takes home/away for a side whatever its name
    remember();
    panel.dataset.state = "loading";
    const [asked, drawn] = await Promise.allSettled([
      getJSON("/api/live?" + query({ minute: state.minute, score: score,
        home_red: count(cards, "home"), away_red: count(cards, "away") }, changes(side))),
      getJSON("/api/curve?" + query({ goals: timeline(state.goals, side), reds: timeline(state.reds, side) })),
    ]);
    if (mine !== sequence) return; // a newer request is on its way
    if (drawn.status === "fulfilled") { // the curve stands whatever the moment's answer
      latest = drawn.value;
      draw();
    }
    const failed = [asked, drawn].find((a) => a.status === "rejected");
    if (failed === undefined) {
      const now = asked.value;
      const tie = now.probabilities;
      const pa = tie ? tie.p_a : now.p_home;
      const pb = tie ? tie.p_b : now.p_away;
      for (const [id, p] of [["p-now-a", pa], ["p-now-b", pb]]) {
        $(id).textContent = pct(p);
        $(id).dataset.value = p;
      }
      const approach = now.what_if.length ? ` (${now.what_if.join("; ")})` : "";
      $("now-label").textContent =
        `${tie ? "going through" : "winning the match"}, ${now.home} ${score} ${now.away} after ${state.minute} minutes${approach}`;
      $("live-error").hidden = true;
    } else {
      $("live-error").textContent = failed.reason.message;
      $("live-error").hidden = false;
    }
    Object.assign(panel.dataset, { state: failed ? "error" : "ready", minute: state.minute, score: score, reds: reds });
  }

  function draw() {
    if (latest === null) return;
    const key = latest.home === teamA ? "home" : "away";
    const what = latest.kind === "advance" ? "going through" : "winning";
    window.remontadaCurve.draw($("curve"), latest, {
      side: key, names: names, minute: state.minute, label: `${teamA}'s chance of ${what}`, short: `chance of ${what}`,
    });
    $("curve").dataset.goals = timeline(state.goals, (s) => names[s]);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
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
      show();
      update();
    });
    $(`${side}-minus`).addEventListener("click", () => {
      const i = state.goals.map((g) => g.side).lastIndexOf(side);
      if (i < 0) return;
      state.goals.splice(i, 1);
      show();
      update();
    });
    $(`${side}-red`).addEventListener("change", (event) => {
      state.reds = state.reds.filter((r) => r.side !== side);
      if (event.target.checked) state.reds.push({ minute: state.minute, side: side });
      update();
    });
    $(`${side}-approach`).addEventListener("change", (event) => {
      const chosen = APPROACHES[event.target.value];
      if (chosen) state.whatIf[side] = chosen;
      else delete state.whatIf[side];
      update();
    });
  }
  window.remontadaCurve.follow($("curve"), draw);
  show();
  update();
})();
