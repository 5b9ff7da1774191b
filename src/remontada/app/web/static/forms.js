// The pages' forms: empty optional fields left out of the query (an empty date is not a date), and team
// autocomplete: names containing what is typed, from /api/teams, offered in a <datalist> (options are made
// with new Option: a name is text, never markup). Every input with list="team-names" uses it.
(function () {
  "use strict";
  for (const form of document.querySelectorAll("form.drop-empty")) {
    form.addEventListener("submit", () => {
      for (const input of form.querySelectorAll("input, select")) input.disabled = input.value === "";
    });
  }
  window.addEventListener("pageshow", () => document.querySelectorAll("form.drop-empty input, form.drop-empty select").forEach((i) => (i.disabled = false)));
  const list = document.getElementById("team-names");
  if (list === null) return;
  const asked = new Map();
  let timer = null;
  let sequence = 0;
  async function suggest(text) {
    const mine = ++sequence;
    const key = text.trim().toLowerCase();
    if (key.length < 2) return;
    if (!asked.has(key)) {
      const response = await fetch("/api/teams?" + new URLSearchParams({ q: key }).toString());
      asked.set(key, response.ok ? await response.json() : []);
    }
    if (mine !== sequence) return;
    list.replaceChildren(...asked.get(key).map((name) => new Option(name)));
    list.dataset.for = key;
  }
  for (const input of document.querySelectorAll('input[list="team-names"]')) {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => suggest(input.value).catch(() => {}), 150);
    });
  }
})();
