"use strict";
// The registration form: create (agents), edit (agents) or read-only view (clients).
(() => {
  const form = document.getElementById("integration-form");
  const editing = PAGE.integration !== null;
  const readOnly = !PAGE.can_edit;
  const types = Object.fromEntries(PAGE.types.map((type) => [type.code, type]));
  const state = { branches: [], selected: new Set(), sortAsc: true, onlySelected: false };
  const $ = (id) => document.getElementById(id);

  // --- tabs ---
  // Every tab shows its panel; the save button belongs to the registration tabs only.
  function showTab(name) {
    for (const tab of document.querySelectorAll("[role=tab]")) {
      const active = tab.id === name;
      tab.setAttribute("aria-selected", String(active));
      $(tab.getAttribute("aria-controls")).hidden = !active;
    }
    const saveBar = $("save-bar");
    if (saveBar) saveBar.hidden = !["tab-cadastro", "tab-config"].includes(name);
    document.dispatchEvent(new CustomEvent("tabshown", { detail: name }));
  }
  for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => showTab(tab.id));

  // --- branches ---
  function renderBranches() {
    const body = document.querySelector("#branches tbody");
    const rows = state.branches
      .filter((branch) => !state.onlySelected || state.selected.has(branch.id))
      .sort((a, b) => (state.sortAsc ? 1 : -1) * a.name.localeCompare(b.name, PAGE.lang));
    body.replaceChildren();
    if (!state.branches.length) {
      body.append(el("tr", {}, el("td", { colspan: 3, class: "empty" }, t("ui.choose_tenant_first"))));
    }
    for (const branch of rows) {
      const box = el("input", { type: "checkbox", value: branch.id, disabled: readOnly,
        "aria-label": branch.name, checked: state.selected.has(branch.id) });
      box.addEventListener("change", () => {
        if (box.checked) state.selected.add(branch.id); else state.selected.delete(branch.id);
        renderBranches();
      });
      body.append(el("tr", {}, el("td", {}, box), el("td", { class: "num" }, branch.code), el("td", {}, branch.name)));
    }
    const all = $("select-all");
    all.disabled = readOnly || !rows.length;
    all.checked = rows.length > 0 && rows.every((branch) => state.selected.has(branch.id));
    $("sort-arrow").textContent = state.sortAsc ? "▲" : "▼";
    $("branch-count").textContent = t("ui.branches_selected", { n: state.selected.size, total: state.branches.length });
  }

  $("select-all").addEventListener("change", (event) => {
    const visible = state.branches.filter((branch) => !state.onlySelected || state.selected.has(branch.id));
    for (const branch of visible) {
      if (event.target.checked) state.selected.add(branch.id); else state.selected.delete(branch.id);
    }
    renderBranches();
  });
  $("sort-name").addEventListener("click", () => { state.sortAsc = !state.sortAsc; renderBranches(); });
  $("only-selected").addEventListener("change", (event) => { state.onlySelected = event.target.checked; renderBranches(); });

  async function loadBranches(tenantId) {
    state.branches = [];
    state.selected = new Set();
    if (tenantId) {
      const result = await api("GET", "/branches?tenant_id=" + encodeURIComponent(tenantId));
      if (!result.ok) { flash(result.data.message, "error"); } else { state.branches = result.data; }
    }
    renderBranches();
  }
  $("tenant_id").addEventListener("change", (event) => loadBranches(event.target.value));

  // --- configuration grid (Chave / Valor) ---
  function renderConfig(typeCode, current) {
    const body = document.querySelector("#config tbody");
    body.replaceChildren();
    const type = types[typeCode];
    $("cadence").textContent = type ? t("ui.cadence", { window: type.window }) : "";
    // A type with a timetable of its own (BoaVista) shows it instead of asking for an interval.
    const own = type && type.own_schedule;
    document.querySelector("[data-field=interval_minutes]").hidden = Boolean(own);
    $("own-schedule").hidden = !own;
    $("own-schedule").textContent = own ? t("ui.own_schedule", { schedule: own }) : "";
    if (!type) {
      body.append(el("tr", {}, el("td", { colspan: 2, class: "empty" }, t("ui.choose_type_first"))));
      return;
    }
    const values = Object.fromEntries((current || []).map((item) => [item.key, item]));
    for (const key of type.keys) {
      const stored = values[key.key];
      let input;
      if (key.secret && readOnly) {
        input = el("span", { class: "hint", "data-secret": key.key },
          t(stored && stored.is_set ? "ui.secret_hidden" : "ui.secret_unset"));
      } else {
        const value = key.secret ? "" : (stored ? (stored.value || "") : (key.default || ""));
        input = el("input", {
          name: "config." + key.key, "data-key": key.key, type: key.secret ? "password" : "text",
          autocomplete: key.secret ? "new-password" : "off", value, disabled: readOnly, size: 40,
          placeholder: key.secret ? t(stored && stored.is_set ? "ui.secret_set" : "ui.secret_unset") : (key.help || ""),
        });
        if (key.secret && !stored && key.default) input.value = key.default;
      }
      body.append(el("tr", { dataset: { key: key.key } },
        el("td", {}, el("span", { class: key.required ? "required" : "" }, key.label), el("br"),
          el("code", { class: "hint" }, key.key)),
        el("td", { id: "cell-config." + key.key }, input, el("div", { class: "cell-error", id: "error-config." + key.key }))));
    }
  }
  $("type_code").addEventListener("change", (event) => renderConfig(event.target.value, editing ? PAGE.integration.config : null));

  // --- errors ---
  function clearErrors() {
    for (const node of document.querySelectorAll(".error, .cell-error")) node.textContent = "";
    for (const node of document.querySelectorAll(".invalid")) node.classList.remove("invalid");
  }
  function showErrors(errors) {
    let configOnly = true;
    for (const [field, message] of Object.entries(errors || {})) {
      const target = $("error-" + field);
      if (target) target.textContent = message;
      const holder = field.startsWith("config.") ? $("cell-" + field) : document.querySelector(`[data-field="${field}"]`);
      if (holder) holder.classList.add("invalid");
      if (!field.startsWith("config.")) configOnly = false;
    }
    showTab(configOnly && Object.keys(errors || {}).length ? "tab-config" : "tab-cadastro");
  }

  // --- save ---
  function collect() {
    const body = {
      description: $("description").value,
      active: $("active").value === "true",
      interval_minutes: $("interval_minutes").value === "" ? null : Number($("interval_minutes").value),
      branches: [...state.selected],
      config: [...document.querySelectorAll("#config input[data-key]")]
        .map((input) => ({ key: input.dataset.key, value: input.type === "password" && input.value === "" ? null : input.value })),
    };
    if (!Number.isInteger(body.interval_minutes)) body.interval_minutes = $("interval_minutes").value || null;
    if (!editing) {
      body.tenant_id = $("tenant_id").value ? Number($("tenant_id").value) : null;
      body.type_code = $("type_code").value || null;
    }
    return body;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (readOnly) return;
    clearErrors();
    const save = $("save");
    save.disabled = true;
    const label = save.textContent;
    save.textContent = t("ui.saving");
    const result = editing
      ? await api("PUT", "/integrations/" + PAGE.integration.id, collect())
      : await api("POST", "/integrations", collect());
    save.disabled = false;
    save.textContent = label;
    if (result.ok && !editing) { location.href = PAGE.list_href + "?aviso=cadastrada"; return; }
    if (result.ok) {
      PAGE.integration = result.data;
      renderConfig(result.data.type_code, result.data.config);
      flash(t("integration.updated"));
      return;
    }
    flash(result.data.message || t("ui.load_error"), "error");
    showErrors(result.data.errors);
  });

  // --- Testar conexão: the partner is reached with the form's values; nothing is saved or sent ---
  const checkButton = $("check-connection");
  if (checkButton) checkButton.addEventListener("click", async () => {
    clearErrors();
    const outcome = $("check-result");
    outcome.className = "hint";
    outcome.textContent = t("ui.checking_connection");
    checkButton.disabled = true;
    const body = { config: collect().config };
    if (editing) body.integration_id = PAGE.integration.id; else body.type_code = $("type_code").value || null;
    const result = await api("POST", "/integrations/check-connection", body);
    checkButton.disabled = false;
    if (result.ok) {
      outcome.className = result.data.ok ? "ok" : "error";
      outcome.textContent = result.data.message;
      return;
    }
    outcome.className = "error";
    outcome.textContent = result.data.message || t("ui.load_error");
    showErrors(result.data.errors);
  });

  // --- initial state ---
  const current = PAGE.integration;
  if (current) {
    $("tenant_id").value = String(current.tenant_id);
    $("description").value = current.description;
    $("type_code").value = current.type_code;
    $("active").value = String(current.active);
    $("interval_minutes").value = current.interval_minutes;
    state.branches = PAGE.branches;
    state.selected = new Set(current.branches);
  } else {
    $("interval_minutes").value = 60;
    if (PAGE.tenants.length === 1) {
      $("tenant_id").value = String(PAGE.tenants[0].id);
      loadBranches(PAGE.tenants[0].id);
    }
  }
  for (const id of ["tenant_id", "type_code"]) $(id).disabled = readOnly || editing;
  for (const id of ["description", "active", "interval_minutes"]) $(id).disabled = readOnly;
  renderBranches();
  renderConfig($("type_code").value, current ? current.config : null);
})();
