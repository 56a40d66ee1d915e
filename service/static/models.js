// Admin Models page: upload an .argosmodel with a progress bar (the body is the file itself).
(function () {
  "use strict";
  const form = document.getElementById("model-upload");
  if (!form) return;
  const input = document.getElementById("model-file");
  const bar = document.getElementById("model-progress");
  const status = document.getElementById("model-status");
  const token = document.querySelector('meta[name="csrf-token"]').content;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const file = input.files[0];
    if (!file) return;
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", token);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    bar.hidden = false;
    bar.value = 0;
    status.textContent = form.dataset.msgUploading;
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
    });
    request.upload.addEventListener("load", function () {
      bar.value = 100;
      status.textContent = form.dataset.msgInstalling;
    });
    request.addEventListener("load", function () {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
      if (request.status === 200 && answer.ok) {
        window.location.reload();
      } else {
        status.textContent = (answer.error && answer.error.message) || form.dataset.msgFailed;
        status.className = "error-text";
      }
    });
    request.addEventListener("error", function () {
      status.textContent = form.dataset.msgFailed;
      status.className = "error-text";
    });
    request.send(file);
  });
})();
