// The round picker: seasons of the chosen competition, then rounds of the chosen season.
(function () {
  "use strict";
  const picker = JSON.parse(document.getElementById("picker-data").textContent);
  const competition = document.getElementById("competition");
  const season = document.getElementById("season");
  const round = document.getElementById("round");

  function fill(select, values, chosen) {
    select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
  }
  function seasons() {
    const names = Object.keys(picker[competition.value] || {}).sort();
    fill(season, names, names.includes("2023-24") ? "2023-24" : names[names.length - 1]);
    rounds();
  }
  function rounds() {
    const names = (picker[competition.value] || {})[season.value] || [];
    fill(round, names, names.includes("Quarterfinals") ? "Quarterfinals" : names[0]);
  }
  competition.addEventListener("change", seasons);
  season.addEventListener("change", rounds);
  seasons();
})();
