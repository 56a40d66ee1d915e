// Translation memory in the side-by-side editor: near matches beside each draft (the difference
// between the two sources highlighted), one click or Alt+M to take one, and memory search.
(function () {
  "use strict";
  const form = document.querySelector("form.memory-search");
  if (!form) return;
  const msg = (name) => form.dataset["msg" + name];
  const canEdit = Boolean(form.dataset.canEdit);
  const found = {};

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function diff(ops) {
    const line = el("p", "memory-source");
    ops.forEach(([kind, text]) => {
      if (kind === "same") {
        line.append(text);
      } else {
        const mark = el(kind === "memory" ? "del" : "ins", null, text);
        mark.title = kind === "memory" ? msg("MemoryOnly") : msg("ThisOnly");
        line.append(mark);
      }
    });
    return line;
  }

  function take(row, suggestion) {
    const area = row.querySelector("textarea");
    if (!area || area.readOnly) return;
    area.value = suggestion.target;
    area.dispatchEvent(new Event("input", { bubbles: true }));  // the chip editor shows and saves it
    (row.querySelector(".chip-editor") || area).focus();
    const status = row.querySelector(".segment-status");
    if (status) status.textContent = msg("Used");
  }

  function show(row, suggestions) {
    const box = row.querySelector(".memory-matches");
    const list = el("ol", "memory-list");
    suggestions.forEach((suggestion) => {
      const item = el("li");
      item.dataset.entry = suggestion.id;
      item.append(el("strong", "memory-score", msg("Match").replace("{score}", suggestion.score)));
      item.append(diff(suggestion.diff));
      const target = el("p", "memory-target", suggestion.target);
      target.lang = row.querySelector("textarea") ? row.querySelector("textarea").lang : "";
      item.append(target);
      item.append(el("span", "muted", msg("By") + " " + suggestion.approved_by));
      if (canEdit) {
        const use = el("button", "secondary memory-use", msg("Use"));
        use.type = "button";
        use.addEventListener("click", () => take(row, suggestion));
        item.append(" ", use);
      }
      list.append(item);
    });
    box.replaceChildren(el("h3", null, msg("Title")), list);
    if (canEdit) box.append(el("p", "kbd-help", msg("Key")));
    box.hidden = false;
  }

  fetch(form.dataset.matchesUrl, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { matches: {} }))
    .then((body) => {
      Object.entries(body.matches).forEach(([position, suggestions]) => {
        const row = document.getElementById("segment-" + position);
        if (!row || !suggestions.length) return;
        found[position] = suggestions;
        show(row, suggestions);
      });
    });

  document.querySelectorAll("tr.segment").forEach((row) => {
    row.addEventListener("keydown", (event) => {
      if (event.altKey && event.code === "KeyM") {
        const suggestions = found[row.dataset.position];
        if (suggestions) {
          event.preventDefault();
          take(row, suggestions[0]);
        }
      }
    });
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const params = new URLSearchParams(new FormData(form));
    params.set("format", "json");
    const results = form.querySelector(".memory-results");
    const response = await fetch(form.action + "?" + params.toString(), { headers: { Accept: "application/json" } });
    const body = response.ok ? await response.json() : { entries: [] };
    if (!body.entries.length) {
      results.replaceChildren(el("p", "muted", msg("None")));
      return;
    }
    const list = el("ul", "memory-list");
    body.entries.forEach((entry) => {
      const item = el("li");
      item.append(el("p", "memory-source", entry.source), el("p", "memory-target", entry.target));
      item.append(el("span", "muted", msg("By") + " " + entry.approved_by));
      list.append(item);
    });
    results.replaceChildren(list);
  });
})();
