"use strict";
// "Executar integração": the period dialog; and "Reprocessar tarefa" from a task's Ações menu.
(() => {
  const $ = (id) => document.getElementById(id);
  const dialog = $("run-dialog");
  if (!dialog) return;

  function resetErrors() {
    $("run-error").hidden = true;
    for (const field of ["data_inicial", "data_final"]) {
      $("error-" + field).textContent = "";
      document.querySelector(`#run-dialog [data-field="${field}"]`).classList.remove("invalid");
    }
  }
  $("run-open").addEventListener("click", () => { resetErrors(); dialog.showModal(); $("data_inicial").focus(); });
  $("run-close").addEventListener("click", () => dialog.close());

  $("run-submit").addEventListener("click", async () => {
    resetErrors();
    const button = $("run-submit");
    button.disabled = true;
    const result = await api("POST", `/integrations/${PAGE.integration.id}/runs`,
      { data_inicial: $("data_inicial").value || null, data_final: $("data_final").value || null });
    button.disabled = false;
    if (result.ok) {
      dialog.close();
      toast(result.data.message);
      document.dispatchEvent(new CustomEvent("tasks-changed"));
      return;
    }
    $("run-error").textContent = result.data.message || t("ui.load_error");
    $("run-error").hidden = false;
    for (const [field, message] of Object.entries(result.data.errors || {})) {
      const target = $("error-" + field);
      if (target) {
        target.textContent = message;
        document.querySelector(`#run-dialog [data-field="${field}"]`).classList.add("invalid");
      }
    }
  });
})();
