// Every signed-in page: changing the UI language keeps what was typed in the page's forms.
// The values ride in sessionStorage across the reload and are put back into the same form.
(function () {
  "use strict";
  const KEY = "tarjama-typed-forms";
  const chooser = document.getElementById("ui-language");
  const forms = () => Array.from(document.querySelectorAll("main form[method=post]"));
  const fields = (form) => Array.from(form.elements).filter((el) => el.name && el.type !== "hidden" && el.type !== "password" && el.type !== "submit" && el.type !== "file");
  const formKey = (form) => new URL(form.action, location.href).pathname;

  if (chooser) {
    chooser.form.addEventListener("submit", () => {
      const typed = {};
      forms().forEach((form) => {
        const values = fields(form).map((el) => (el.type === "checkbox" || el.type === "radio" ? el.checked : el.value));
        typed[formKey(form)] = values;
      });
      try {
        sessionStorage.setItem(KEY, JSON.stringify(typed));
      } catch (error) {
        /* storage disabled: nothing to keep */
      }
    });
  }

  let typed = null;
  try {
    typed = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
  } catch (error) {
    typed = null;
  }
  if (!typed) return;
  forms().forEach((form) => {
    const values = typed[formKey(form)];
    const list = fields(form);
    if (!values || values.length !== list.length) return;
    list.forEach((el, index) => {
      if (el.type === "checkbox" || el.type === "radio") el.checked = Boolean(values[index]);
      else el.value = values[index];
    });
  });
})();
