// Side-by-side editor. Nothing typed is lost: every segment saves on blur and after a short
// pause (with the segment's version, so a stale save gets 409 and the other person's text),
// keeps a local draft until the server has it, and Approve waits for, or refuses, unsaved text.
// Inline markup shows as chips that cannot be half-deleted; the text saved is the placeholder form.
(function () {
  "use strict";
  const table = document.querySelector("table.segments");
  if (!table) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const msg = (name) => table.dataset["msg" + name] || "";
  const PAUSE_MS = 1200;
  const TOKEN = /<(\/?)([gxndt])(\d+)(\/?)>/g;
  const GLYPH = { link: "↗", bold: "𝐁", italic: "𝐼", format: "¶", break: "↵", n: "#", d: "◷", t: "◆" };
  const storeKey = (row) => "tarjama-draft:" + table.dataset.translation + ":" + row.dataset.position;
  const rows = Array.from(table.querySelectorAll("tr.segment")).filter((row) => row.querySelector("textarea"));
  const state = new Map();

  // ---- chips ------------------------------------------------------------------------------
  function chipsOf(row) {
    try {
      return JSON.parse(row.dataset.chips || "{}");
    } catch (error) {
      return {};
    }
  }

  function chip(token, info) {
    const [, closing, letter, number] = /^<(\/?)([gxndt])(\d+)(\/?)>$/.exec(token);
    const meta = info[letter + number] || {};
    const kind = letter === "g" || letter === "x" ? meta.kind || (letter === "x" ? "break" : "format") : letter;
    const node = document.createElement("span");
    node.className = "chip chip-" + kind + (closing ? " chip-close" : letter === "g" ? " chip-open" : "");
    node.contentEditable = "false";
    node.dir = "ltr";
    node.dataset.token = token;
    node.textContent = (closing ? "/" : "") + GLYPH[kind] + number;
    let title = msg("Chip" + kind[0].toUpperCase() + kind.slice(1)) + " " + number;
    if (letter === "g") title += " · " + (closing ? msg("ChipEnd") : msg("ChipStart"));
    if (meta.href) title += " → " + meta.href;
    node.title = title;
    node.setAttribute("aria-label", title);
    return node;
  }

  function render(target, text, info) {
    const nodes = [];
    let last = 0;
    TOKEN.lastIndex = 0;
    for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
      if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
      nodes.push(chip(match[0], info));
      last = TOKEN.lastIndex;
    }
    if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
    target.replaceChildren(...nodes);
  }

  function serialize(node) {
    let out = "";
    node.childNodes.forEach((child) => {
      if (child.nodeType === Node.TEXT_NODE) out += child.nodeValue;
      else if (child.dataset && child.dataset.token) out += child.dataset.token;
      else if (child.nodeName !== "BR") out += serialize(child);
    });
    return out.replace(/\u00a0/g, " ");
  }

  function tokens(text) {
    return text.match(TOKEN) || [];
  }

  function missingTokens(row) {
    const have = tokens(valueOf(row));
    return tokens(row.dataset.source || "").filter((token) => {
      const index = have.indexOf(token);
      if (index === -1) return true;
      have.splice(index, 1);
      return false;
    });
  }

  // Ctrl+. puts the next missing chip of the source at the caret; with text selected, it wraps the
  // selection in the next missing pair (a link or bold the engine dropped).
  function insertMissing(row) {
    const missing = missingTokens(row);
    if (!missing.length) return;
    const editor = row.querySelector(".chip-editor");
    const info = chipsOf(row);
    const selection = window.getSelection();
    let range = selection.rangeCount ? selection.getRangeAt(0) : null;
    if (!range || !editor.contains(range.commonAncestorContainer)) {
      range = document.createRange();
      range.selectNodeContents(editor);
      range.collapse(false);
    }
    const first = missing[0];
    const pair = /^<g(\d+)>$/.exec(first);
    const closing = pair ? "</g" + pair[1] + ">" : null;
    const after = document.createTextNode("");
    if (pair && missing.includes(closing)) {
      const empty = range.collapsed;
      const inner = range.extractContents();
      const close = chip(closing, info);
      range.insertNode(close);
      range.insertNode(inner);
      range.insertNode(chip(first, info));
      if (empty) close.before(after);  // an empty pair: type its text between the chips
      else close.after(after);
    } else {
      range.deleteContents();
      const node = chip(first, info);
      range.insertNode(node);
      node.after(after);
    }
    const caret = document.createRange();
    caret.setStart(after, 0);
    selection.removeAllRanges();
    selection.addRange(caret);
    changed(row);
  }

  // ---- saving -----------------------------------------------------------------------------
  function valueOf(row) {
    return row.querySelector("textarea").value;
  }

  function setStatus(row, kind, text) {
    const status = row.querySelector(".segment-status");
    row.dataset.saveState = kind;
    status.dataset.state = kind;
    status.textContent = text;
  }

  function remember(row) {
    const s = state.get(row);
    try {
      localStorage.setItem(storeKey(row), JSON.stringify({ text: valueOf(row), version: Number(row.dataset.version), saved: s.saved }));
    } catch (error) {
      /* storage full or disabled: the autosave still runs */
    }
  }

  function forget(row) {
    try {
      localStorage.removeItem(storeKey(row));
    } catch (error) {
      /* nothing stored */
    }
  }

  function changed(row) {
    const s = state.get(row);
    const area = row.querySelector("textarea");
    const editor = row.querySelector(".chip-editor");
    if (editor) area.value = serialize(editor);
    if (area.value === s.saved && !s.conflict) {
      s.dirty = false;
      forget(row);
      return;
    }
    s.dirty = true;
    if (!s.conflict) setStatus(row, "unsaved", msg("Unsaved"));
    remember(row);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => save(row), PAUSE_MS);
  }

  function showWarnings(row, warnings) {
    const list = row.querySelector(".warnings");
    list.replaceChildren(...warnings.map((w) => {
      const item = document.createElement("li");
      item.dataset.code = w.code;
      item.textContent = w.label;
      return item;
    }));
    row.classList.toggle("has-warnings", warnings.length > 0);
  }

  function setText(row, text) {
    row.querySelector("textarea").value = text;
    const editor = row.querySelector(".chip-editor");
    if (editor) render(editor, text, chipsOf(row));
  }

  function showConflict(row, current) {
    const s = state.get(row);
    s.conflict = true;
    const box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.append(msg("Conflict") + " ");
    const theirs = document.createElement("span");
    theirs.className = "their-text";
    theirs.lang = row.querySelector("textarea").lang;
    theirs.dir = "auto";
    render(theirs, current.text, chipsOf(row));
    text.append(theirs);
    const take = document.createElement("button");
    take.type = "button";
    take.className = "secondary";
    take.textContent = msg("Take");
    take.addEventListener("click", () => {
      row.dataset.version = current.version;
      s.conflict = false;
      s.dirty = false;
      s.saved = current.text;
      setText(row, current.text);
      forget(row);
      setStatus(row, "saved", msg("Saved"));
    });
    const keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = msg("Keep");
    keep.addEventListener("click", () => {
      row.dataset.version = current.version;
      s.conflict = false;
      save(row);
    });
    box.append(text, take, " ", keep);
    row.dataset.saveState = "conflict";
    row.querySelector(".segment-status").dataset.state = "conflict";
    row.querySelector(".segment-status").replaceChildren(box);
  }

  // One save at a time per segment; a save asked for while one runs follows it.
  function save(row) {
    const s = state.get(row);
    clearTimeout(s.timer);
    s.queue = s.queue.then(() => send(row));
    return s.queue;
  }

  async function send(row) {
    const s = state.get(row);
    if (s.conflict) return false;
    if (!s.dirty) return true;
    const text = valueOf(row);
    setStatus(row, "saving", msg("Saving"));
    let response, body;
    try {
      response = await fetch(table.dataset.saveUrl + row.dataset.position, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ text: text, version: Number(row.dataset.version) }),
      });
      body = await response.json();
    } catch (error) {
      setStatus(row, "failed", msg("Offline"));
      return false;
    }
    if (response.ok) {
      row.dataset.version = body.version;
      s.saved = body.text;
      showWarnings(row, body.warnings);
      row.querySelector(".origin").textContent = msg("OriginHuman");
      row.dataset.origin = "human";
      row.classList.remove("low-confidence");
      if (valueOf(row) === text) {
        s.dirty = false;
        forget(row);
        setStatus(row, "saved", msg("Saved"));
      } else {
        remember(row);
        setStatus(row, "unsaved", msg("Unsaved"));
        s.timer = setTimeout(() => save(row), PAUSE_MS);
      }
      return true;
    }
    if (response.status === 409 && body.error && body.error.current) {
      showConflict(row, body.error.current);
    } else {
      setStatus(row, "failed", msg("Failed") + " " + (body.error ? body.error.message : ""));
    }
    return false;
  }

  function pending() {
    return rows.filter((row) => state.get(row).dirty || state.get(row).conflict);
  }

  async function saveAll() {
    const results = await Promise.all(rows.map((row) => (state.get(row).dirty ? save(row) : true)));
    return results.every(Boolean) && pending().length === 0;
  }

  // ---- set up each segment ------------------------------------------------------------------
  function focusRow(index) {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    const editor = row.querySelector(".chip-editor") || row.querySelector("textarea");
    editor.focus();
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(editor);
    range.collapse(false);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function enhance(row, index) {
    const area = row.querySelector("textarea");
    const info = chipsOf(row);
    const s = { saved: area.value, dirty: false, conflict: false, timer: null, queue: Promise.resolve(true) };
    state.set(row, s);
    // The source text only: a correction adds its change marker and diff beside it.
    const source = row.querySelector("td.source .source-text");
    row.dataset.source = source.textContent.trim();
    render(source, row.dataset.source, info);

    const editor = document.createElement("div");
    editor.className = "chip-editor";
    editor.contentEditable = area.readOnly ? "false" : "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-label", area.getAttribute("aria-label"));
    editor.lang = area.lang;
    editor.dir = area.dir;
    editor.spellcheck = true;
    render(editor, area.value, info);
    area.hidden = true;
    area.after(editor);

    editor.addEventListener("input", () => changed(row));
    editor.addEventListener("blur", () => {
      if (s.dirty) save(row);
    });
    editor.addEventListener("paste", (event) => {
      event.preventDefault();
      const text = (event.clipboardData.getData("text/plain") || "").replace(/\s*\n\s*/g, " ");
      document.execCommand("insertText", false, text);
    });
    // Someone else's script (the memory's "Use" button) set the value: show it, and save it.
    area.addEventListener("input", () => {
      render(editor, area.value, info);
      changed(row);
    });
    editor.addEventListener("keydown", async (event) => {
      const key = event.key;
      if ((event.ctrlKey || event.metaKey) && key === "Enter") {
        event.preventDefault();
        changed(row);
        if (await save(row)) focusRow(index + 1);
      } else if (key === "Enter") {
        event.preventDefault();
      } else if ((event.ctrlKey || event.metaKey) && key === ".") {
        event.preventDefault();
        insertMissing(row);
      } else if ((event.ctrlKey || event.metaKey) && ["b", "i", "u"].includes(key.toLowerCase())) {
        event.preventDefault();
      } else if (event.altKey && key === "ArrowDown") {
        event.preventDefault();
        focusRow(index + 1);
      } else if (event.altKey && key === "ArrowUp") {
        event.preventDefault();
        focusRow(index - 1);
      }
    });

    // A local draft from before a reload (or a crash) that the server never got.
    let stored = null;
    try {
      stored = JSON.parse(localStorage.getItem(storeKey(row)) || "null");
    } catch (error) {
      stored = null;
    }
    if (area.readOnly) {
      // not editable now (not claimed): keep any local draft for when it is
    } else if (stored && typeof stored.text === "string" && stored.text !== area.value) {
      if (stored.version === Number(row.dataset.version) || stored.saved === area.value) {
        setText(row, stored.text);
        s.dirty = true;
        setStatus(row, "unsaved", msg("Restored"));
        s.timer = setTimeout(() => save(row), PAUSE_MS);
      } else {  // someone saved since: let the translator choose, never overwrite silently
        setText(row, stored.text);
        s.dirty = true;
        row.dataset.version = stored.version;
        save(row);
      }
    } else if (stored) {
      forget(row);
    }
  }

  rows.forEach(enhance);
  const editable = rows.filter((row) => !row.querySelector("textarea").readOnly);

  // ---- approving ----------------------------------------------------------------------------
  const approve = document.querySelector("form.approve-form");
  if (approve) {
    const notice = document.getElementById("approve-notice");
    approve.addEventListener("submit", async (event) => {
      if (approve.dataset.checked === "yes") return;
      event.preventDefault();
      notice.textContent = msg("SavingBeforeApprove");
      const ok = await saveAll();
      if (!ok) {
        notice.textContent = msg("Unapprovable");
        const first = pending()[0];
        if (first) first.scrollIntoView({ block: "center" });
        return;
      }
      const shown = {};
      editable.forEach((row) => {
        shown[row.dataset.position] = valueOf(row);
      });
      approve.querySelector("input[name=texts]").value = JSON.stringify(shown);
      approve.dataset.checked = "yes";
      HTMLFormElement.prototype.submit.call(approve);
    });
  }

  window.addEventListener("beforeunload", (event) => {
    if (approve && approve.dataset.checked === "yes") return;
    if (pending().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ---- moving between segments that need a look; confirming the clean ones at once ----------
  const toolsStatus = document.querySelector(".tools-status");
  function jump(test) {
    const current = rows.findIndex((row) => row.contains(document.activeElement));
    const order = rows.slice(current + 1).concat(rows.slice(0, current + 1));
    const target = order.find(test);
    if (!target) {
      if (toolsStatus) toolsStatus.textContent = msg("NoneLeft");
      return;
    }
    if (toolsStatus) toolsStatus.textContent = "";
    target.scrollIntoView({ block: "center" });
    focusRow(rows.indexOf(target));
  }
  const hasWarning = (row) => row.querySelector(".warnings li") !== null;
  const isWeak = (row) => row.classList.contains("low-confidence");
  const click = (id, handler) => {
    const button = document.getElementById(id);
    if (button) button.addEventListener("click", handler);
  };
  click("next-warning", () => jump(hasWarning));
  click("next-weak", () => jump(isWeak));
  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.code === "KeyW") {
      event.preventDefault();
      jump(hasWarning);
    } else if (event.altKey && event.code === "KeyL") {
      event.preventDefault();
      jump(isWeak);
    }
  });
  // A translator who checked the clean segments confirms them in one go: each is saved as it
  // stands (now the translator's text), with the same version rules as a typed edit.
  click("confirm-clean", async () => {
    const clean = editable.filter((row) => !hasWarning(row) && row.dataset.origin !== "human" && !state.get(row).conflict);
    clean.forEach((row) => {
      state.get(row).dirty = true;
    });
    const results = await Promise.all(clean.map((row) => save(row)));
    clean.forEach((row, index) => {
      if (results[index]) row.dataset.origin = "human";
    });
    if (toolsStatus) toolsStatus.textContent = msg("Confirmed").replace("%(num)s", results.filter(Boolean).length);
  });

  // Exposed for the page's other scripts.
  window.tarjamaEditor = { rows: rows, state: state, save: save, saveAll: saveAll, setText: setText, changed: changed, focusRow: focusRow };
})();
