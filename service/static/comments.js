// Discussion: a "Comment" button on every segment row picks that segment in the comment form.
(function () {
  "use strict";
  const form = document.querySelector(".comment-form");
  const select = document.getElementById("comment-position");
  const body = document.getElementById("comment-body");
  if (!form || !select || !body) return;
  document.querySelectorAll("tr.segment[data-position]").forEach(function (row) {
    const cell = row.querySelector("td.source");
    if (!cell || cell.querySelector(".comment-on-segment")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary comment-on-segment";
    button.textContent = form.dataset.msgComment;
    button.addEventListener("click", function () {
      select.value = row.dataset.position;
      body.focus();
      form.scrollIntoView({ block: "center" });
    });
    cell.appendChild(document.createElement("br"));
    cell.appendChild(button);
  });
})();
