// The round picker: seasons of the chosen competition, then rounds of the chosen season.
(function () {
  "use strict";
  // the seasons and rounds of each competition, as JSON in an attribute (escaped by the template, never markup)
  const picker = JSON.parse(document.getElementById("round-form").dataset.picker);
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

  // The competition picker: the seasons of the chosen competition, each with a date halfway through it.
  const form = document.getElementById("competition-form");
  const halfway = JSON.parse(form.dataset.seasons);
  const pick = document.getElementById("competition-pick");
  const pickSeason = document.getElementById("competition-season");
  const day = document.getElementById("competition-date");
  function competitionSeasons() {
    const names = Object.keys(halfway[pick.value] || {}).sort();
    fill(pickSeason, names, names.includes("2023-24") ? "2023-24" : names[names.length - 1]);
  }
  pick.addEventListener("change", () => {
    competitionSeasons();
    day.value = (halfway[pick.value] || {})[pickSeason.value] || "";
  });
  pickSeason.addEventListener("change", () => (day.value = (halfway[pick.value] || {})[pickSeason.value] || ""));
  form.addEventListener("submit", () => (day.disabled = day.value === ""));
  window.addEventListener("pageshow", () => (day.disabled = false));
  competitionSeasons();
})();
