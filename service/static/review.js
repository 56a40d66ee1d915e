// Side-by-side editor: save a segment with Ctrl+Enter and move on, Alt+Up/Down to move.
// A stale save gets 409 with the other person's text: show it, never overwrite silently.
(function () {
  "use strict";
  const table = document.querySelector("table.segments");
  if (!table) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const rows = Array.from(table.querySelectorAll("tr.segment")).filter((row) => row.querySelector("textarea"));
  const msg = (name) => table.dataset["msg" + name];

  function focusRow(index) {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    const area = row.querySelector("textarea");
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  function showWarnings(row, warnings) {
    const list = row.querySelector(".warnings");
    list.replaceChildren(...warnings.map((w) => {
      const item = document.createElement("li");
      item.dataset.code = w.code;
      item.textContent = w.label;
      return item;
    }));
  }

  function showConflict(row, current) {
    const status = row.querySelector(".segment-status");
    const box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = msg("Conflict") + " " + current.text;
    const take = document.createElement("button");
    take.type = "button";
    take.className = "secondary";
    take.textContent = msg("Take");
    take.addEventListener("click", () => {
      row.querySelector("textarea").value = current.text;
      row.dataset.version = current.version;
      box.remove();
    });
    const keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = msg("Keep");
    keep.addEventListener("click", () => {
      row.dataset.version = current.version;
      box.remove();
      save(row);
    });
    box.append(text, take, keep);
    status.replaceChildren(box);
  }

  async function save(row) {
    const status = row.querySelector(".segment-status");
    status.textContent = msg("Saving");
    const response = await fetch(table.dataset.saveUrl + row.dataset.position, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ text: row.querySelector("textarea").value, version: Number(row.dataset.version) }),
    });
    const body = await response.json();
    if (response.ok) {
      row.dataset.version = body.version;
      showWarnings(row, body.warnings);
      row.querySelector(".origin").textContent = "";
      status.textContent = msg("Saved");
      return true;
    }
    if (response.status === 409 && body.error.current) {
      showConflict(row, body.error.current);
    } else {
      status.textContent = msg("Failed") + " " + body.error.message;
    }
    return false;
  }

  rows.forEach((row, index) => {
    row.querySelector("textarea").addEventListener("keydown", async (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        if (await save(row)) focusRow(index + 1);
      } else if (event.altKey && event.key === "ArrowDown") {
        event.preventDefault();
        focusRow(index + 1);
      } else if (event.altKey && event.key === "ArrowUp") {
        event.preventDefault();
        focusRow(index - 1);
      }
    });
  });
})();
