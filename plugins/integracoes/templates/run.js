"use strict";
// "Executar integração": the period dialog — agents may also split a long period and preview the request —
// and the button's state: unavailable, with its reason, while the integration or its pharmacy chain is inactive.
(() => {
  const $ = (id) => document.getElementById(id);
  const dialog = $("run-dialog");
  if (!dialog) return;
  const openButton = $("run-open");
  const split = $("run-split");  // agents only, like the preview
  const previewButton = $("run-preview-button");

  // --- availability ---
  function unavailableReason(integration) {
    if (!integration.active) return t("ui.run_unavailable_inactive");
    if (integration.tenant_active === false) return t("ui.run_unavailable_tenant");
    return null;
  }
  const reasonNote = el("span", { id: "run-unavailable", class: "sr-only" });
  openButton.after(reasonNote);
  function showAvailability(integration) {
    const reason = unavailableReason(integration);
    openButton.disabled = Boolean(reason);
    reasonNote.textContent = reason || "";
    if (reason) {
      openButton.title = reason;
      openButton.setAttribute("aria-describedby", reasonNote.id);
    } else {
      openButton.removeAttribute("title");
      openButton.removeAttribute("aria-describedby");
    }
  }
  // The registration form saves without a reload, replacing PAGE.integration: the button follows each save.
  let integration = PAGE.integration;
  Object.defineProperty(PAGE, "integration", {
    configurable: true,
    get: () => integration,
    set: (saved) => { integration = saved; showAvailability(saved); },
  });
  showAvailability(integration);

  // --- dialog ---
  const periodFields = ["data_inicial", "data_final"];
  const periodText = (item) => t("ui.period", { start: formatDate(item.data_inicial), end: formatDate(item.data_final) });
  const pendingText = (task) => t("ui.pending_task", {
    code: task.code, start: formatDate(task.data_inicial), end: formatDate(task.data_final), user: task.requested_by });

  function resetMessages() {
    $("run-error").hidden = true;
    $("run-info").hidden = true;
    for (const field of periodFields) {
      $("error-" + field).textContent = "";
      document.querySelector(`#run-dialog [data-field="${field}"]`).classList.remove("invalid");
    }
  }
  function clearPreview() {
    if (!previewButton) return;
    $("run-preview").hidden = true;
    $("run-preview").replaceChildren();
  }

  function requestRun(options) {
    const query = new URLSearchParams();
    if (split && split.checked) query.set("split", "true");
    if (options && options.dryRun) query.set("dry_run", "true");
    const suffix = query.toString() ? "?" + query : "";
    return api("POST", `/integrations/${PAGE.integration.id}/runs${suffix}`,
      { data_inicial: $("data_inicial").value || null, data_final: $("data_final").value || null });
  }

  function showFailure(result) {
    if (result.status === 409) {  // an earlier request for the period is still pending: wait for it, nothing failed
      const pending = result.data.conflicting_task;
      $("run-info").replaceChildren(el("p", {}, result.data.message), pending ? el("p", {}, pendingText(pending)) : null);
      $("run-info").hidden = false;
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
  }

  // Runs the request with its button disabled meanwhile (no double submission).
  async function withButton(button, action) {
    resetMessages();
    button.disabled = true;
    try { return await action(); } finally { button.disabled = false; }
  }

  openButton.addEventListener("click", () => {
    if (unavailableReason(PAGE.integration)) return;
    resetMessages();
    clearPreview();
    dialog.showModal();
    $("data_inicial").focus();
  });
  $("run-close").addEventListener("click", () => dialog.close());

  $("run-submit").addEventListener("click", async () => {
    const result = await withButton($("run-submit"), () => requestRun());
    if (result.ok) {
      dialog.close();
      toast(result.data.message);
      document.dispatchEvent(new CustomEvent("tasks-changed"));
      return;
    }
    showFailure(result);
  });

  // --- agents: split a long period, preview what a request would create ---
  if (!previewButton) return;
  for (const input of periodFields.map($)) input.addEventListener("input", clearPreview);  // as it is typed
  split.addEventListener("change", clearPreview);
  split.addEventListener("change", () => { $("run-hint").hidden = split.checked; });

  previewButton.addEventListener("click", async () => {
    clearPreview();
    const result = await withButton(previewButton, () => requestRun({ dryRun: true }));
    if (!result.ok) { showFailure(result); return; }
    const { chunks, conflicts, files } = result.data;
    const compared = (file) => !file.delivered ? t("ui.run_preview_first")
      : t(file.delivered.same ? "ui.run_preview_same" : "ui.run_preview_differs",
        { code: file.delivered.task_code, rows: file.delivered.rows });
    $("run-preview").replaceChildren(
      el("p", {}, t("ui.run_preview_chunks", { n: chunks.length })),
      el("ul", { id: "run-preview-chunks" }, chunks.map((chunk) => el("li", {}, periodText(chunk)))),
      conflicts.length
        ? el("div", { class: "notice", id: "run-preview-conflicts" }, t("ui.run_preview_conflicts"),
          el("ul", {}, conflicts.map((task) => el("li", {}, pendingText(task)))))
        : el("p", { class: "hint" }, t("ui.run_preview_no_conflict")),
      result.data.files_problem ? el("p", { class: "notice", id: "run-preview-files-problem" }, result.data.files_problem) : null,
      // One period: the files it would send, rendered now, and how they compare with the last delivery.
      files && files.length
        ? el("div", { id: "run-preview-files" }, el("p", {}, t("ui.run_preview_files")),
          el("ul", {}, files.map((file) => el("li", { dataset: { name: file.name } },
            el("code", {}, file.name), " — ", t("ui.run_preview_rows", { rows: file.rows }), " · ", compared(file)))))
        : null);
    $("run-preview").hidden = false;
  });
})();
