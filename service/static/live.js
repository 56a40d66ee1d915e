// The editors' desk and the review queue follow the drafts' states without a reload: a small
// JSON answer every few seconds (none while the tab is hidden) updates badges and progress.
(function () {
  "use strict";
  document.querySelectorAll("input.select-all").forEach((box) => {
    box.addEventListener("change", () => {
      box.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach((item) => {
        item.checked = box.checked;
      });
    });
  });
  const root = document.querySelector("[data-live-url]");
  if (!root) return;
  const every = Number(root.dataset.liveInterval) || 5000;

  function badge(node, item) {
    if (!node || node.dataset.state === item.state) return;
    node.className = "state state-" + item.state;
    node.dataset.state = item.state;
    node.textContent = item.label;
  }

  function showTranslation(item) {
    document.querySelectorAll('[data-translation="' + item.id + '"]').forEach((holder) => {
      badge(holder.querySelector(".state"), item);
      const held = holder.querySelector(".held-by");
      if (held) held.textContent = item.held_by || "—";
    });
  }

  // Rows that were not on the page when it was rendered: a link to show them (a reload keeps the
  // filters), announced once to screen readers, instead of rows jumping in under the reader's cursor.
  function announce() {
    const news = document.querySelector(".live-news");
    if (news && news.hidden) news.hidden = false;
  }

  function url() {
    const ids = Array.from(root.querySelectorAll("tr[data-translation]")).map((row) => row.dataset.translation);
    return root.dataset.liveUrl + (ids.length ? "?ids=" + ids.join(",") : "");
  }

  async function poll() {
    if (!document.hidden) {
      try {
        const response = await fetch(url(), { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (response.ok) {
          const body = await response.json();
          (body.translations || []).forEach(showTranslation);
          if (body.newest && body.newest > (root.dataset.newest || "")) announce();
          (body.posts || []).forEach((post) => {
            const row = root.querySelector('tr[data-post="' + post.id + '"]');
            if (!row) return announce();
            const summary = row.querySelector(".progress-summary");
            if (summary && summary.textContent !== post.summary) summary.textContent = post.summary;
            const bar = row.querySelector("progress");
            if (bar) bar.value = post.progress;
            post.translations.forEach(showTranslation);
          });
          root.dataset.liveUpdated = String(Date.now());
        }
      } catch (error) {
        /* offline for a moment: try again next round */
      }
    }
    setTimeout(poll, every);
  }
  setTimeout(poll, every);
})();
