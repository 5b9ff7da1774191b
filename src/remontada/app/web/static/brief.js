// The briefing's curve: the chance minute by minute at kick-off (no goals), from /api/curve, drawn by curve.js.
(function () {
  "use strict";
  const box = document.getElementById("brief-curve");
  const params = JSON.parse(box.dataset.params);
  const names = { home: box.dataset.home, away: box.dataset.away };
  const svg = document.getElementById("curve");
  let curve = null;
  function draw() {
    if (curve === null) return;
    const side = curve.home === box.dataset.team ? "home" : "away";
    const what = curve.kind === "advance" ? "going through" : "winning";
    window.remontadaCurve.draw(svg, curve, { side: side, names: names, label: `${box.dataset.team}'s chance of ${what}`,
      short: `chance of ${what}` });
  }
  fetch("/api/curve?" + new URLSearchParams(params).toString())
    .then((response) => response.json().then((body) => {
      if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : response.statusText);
      curve = body;
      draw();
      box.dataset.state = "ready";
    }))
    .catch((error) => {
      const message = document.getElementById("curve-error");
      message.textContent = error.message;
      message.hidden = false;
      box.dataset.state = "error";
    });
  window.remontadaCurve.follow(svg, draw);
})();
