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
  // Every tab shows its panel; the save button belongs to the tabs that edit the registration only. The
  // active tab is in the address (#tarefas), so a reload or a shared link opens it.
  const tabs = [...document.querySelectorAll("[role=tab]")];
  const EDITING_TABS = ["tab-cadastro", "tab-config"];
  function showTab(name) {
    for (const tab of tabs) {
      const active = tab.id === name;
      tab.setAttribute("aria-selected", String(active));
      $(tab.getAttribute("aria-controls")).hidden = !active;
    }
    const saveBar = $("save-bar");
    if (saveBar) saveBar.hidden = !EDITING_TABS.includes(name);
    const slug = $(name).dataset.slug;
    if (location.hash !== "#" + slug) history.replaceState(history.state, "", location.pathname + location.search + "#" + slug);
    document.dispatchEvent(new CustomEvent("tabshown", { detail: name }));
  }
  const tabOfAddress = () => (tabs.find((tab) => "#" + tab.dataset.slug === location.hash) || tabs[0]).id;
  for (const tab of tabs) tab.addEventListener("click", () => showTab(tab.id));
  window.addEventListener("hashchange", () => showTab(tabOfAddress()));

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
    // An incremental type sends what is new since the last delivery: the agent says from which day it starts.
    document.querySelector("[data-field=send_from]").hidden = !(type && type.incremental);
    $("own-schedule").textContent = own ? t("ui.own_schedule", { schedule: own }) : "";
    if (!type) {
      body.append(el("tr", {}, el("td", { colspan: 2, class: "empty" }, t("ui.choose_type_first"))));
      return;
    }
    const values = Object.fromEntries((current || []).map((item) => [item.key, item]));
    for (const key of type.keys) {
      const name = "config." + key.key;
      const input = configField(key, values[key.key]);
      body.append(el("tr", { dataset: { key: key.key } },
        el("td", {}, el("label", { for: name, class: key.required ? "required" : "" }, key.label), el("br"),
          el("code", { class: "hint" }, key.key)),
        el("td", { id: "cell-" + name }, input, el("div", { class: "cell-error", id: "error-" + name }))));
    }
  }

  // The field of one key as its catalog declaration asks: a list of values, a number, a masked secret, an
  // e-mail or URL field. Clients read secrets only as set/unset, and never the values the support team
  // keeps to itself (the server sends those empty: shown as "set by support").
  const INPUT_TYPES = { password: "password", number: "number", url: "url", email: "email" };
  function configField(key, stored) {
    if (key.secret && readOnly) {
      return el("span", { class: "hint", "data-secret": key.key }, t(stored && stored.is_set ? "ui.secret_hidden" : "ui.secret_unset"));
    }
    const name = "config." + key.key;
    const keptFromClient = readOnly && stored && stored.is_set && stored.value === null;
    const value = stored ? (stored.value || "") : (key.default || "");
    const common = { id: name, name, "data-key": key.key, disabled: readOnly, "aria-describedby": "error-" + name };
    if (key.widget === "select") {
      const options = [...(key.options || [])];
      if (value && !options.includes(value)) options.unshift(value);  // a value from before the list changed stays
      const select = el("select", common,
        el("option", { value: "" }, t(keptFromClient ? "ui.agents_only_value" : "ui.select")),
        options.map((option) => el("option", { value: option }, option)));
      select.value = value;
      return select;
    }
    let placeholder = key.help || "";
    if (key.secret) placeholder = t(stored && stored.is_set ? "ui.secret_set" : "ui.secret_unset");
    if (keptFromClient) placeholder = t("ui.agents_only_value");
    // The catalog's rule (GET /types json_schema), checked as the value is typed (checkAsTyped).
    const schema = key.json_schema || {};
    const rule = schema.pattern && !key.secret ? { "data-pattern": schema.pattern, "data-message": schema["x-message"] || t("ui.value_format"),
      "data-minimum": schema["x-minimum"], "data-maximum": schema["x-maximum"] } : {};
    return el("input", {
      ...common, ...rule, value: key.secret ? "" : value, size: 40, placeholder,
      // Several addresses separated by ";" are not one e-mail field: text with the e-mail keyboard.
      type: (key.widget === "email" && key.several) ? "text" : (INPUT_TYPES[key.widget] || "text"),
      inputmode: { digits: "numeric", number: "numeric", email: "email", url: "url" }[key.widget],
      min: key.min, max: key.max, step: key.widget === "number" ? 1 : null,
      autocomplete: key.secret ? "new-password" : "off", spellcheck: key.widget === "text" ? null : "false",
    });
  }
  $("type_code").addEventListener("change", (event) => renderConfig(event.target.value, editing ? PAGE.integration.config : null));

  // --- errors ---
  // The fields' messages and marks, and the banner of the last answer (emptied, a banner would stay as a red bar).
  function clearErrors() {
    for (const node of form.querySelectorAll("span.error, .cell-error")) node.textContent = "";
    for (const node of form.querySelectorAll(".invalid")) node.classList.remove("invalid");
    for (const node of document.querySelectorAll(".tab-error-mark")) node.remove();
    $("flash").hidden = true;
  }
  // A field's message goes as soon as the field is edited: it spoke of a value that is no longer there.
  function clearFieldError(event) {
    const holder = event.target.closest("[data-field], td[id^='cell-']");
    if (!holder || !holder.classList.contains("invalid")) return;
    holder.classList.remove("invalid");
    for (const node of holder.querySelectorAll("span.error, .cell-error")) node.textContent = "";
  }
  form.addEventListener("input", clearFieldError);
  form.addEventListener("change", clearFieldError);
  // A configuration value that breaks its key's rule says so while it is typed; saving checks it again.
  function checkAsTyped(event) {
    const input = event.target, value = input.value ? input.value.trim() : "";
    if (!input.dataset || !input.dataset.pattern || !value) return;
    let ok;
    try { ok = new RegExp(input.dataset.pattern, "u").test(value); } catch (error) { return; }  // a rule JS cannot read
    if (ok && input.dataset.minimum !== undefined) {
      ok = Number(value) >= Number(input.dataset.minimum) && Number(value) <= Number(input.dataset.maximum);
    }
    if (ok) return;
    $("cell-" + input.name).classList.add("invalid");
    $("error-" + input.name).textContent = input.dataset.message;
  }
  form.addEventListener("input", checkAsTyped);
  // Messages next to the fields, and a mark on every tab holding one (seen and read by screen readers),
  // so an error on a tab out of sight is not missed; the first such tab is shown.
  function showErrors(errors) {
    const fields = Object.keys(errors || {});
    if (!fields.length) return;
    const tabsWithErrors = new Set();
    for (const field of fields) {
      const target = $("error-" + field);
      if (target) target.textContent = errors[field];
      const holder = field.startsWith("config.") ? $("cell-" + field) : document.querySelector(`[data-field="${field}"]`);
      if (holder) holder.classList.add("invalid");
      const panel = holder && holder.closest("[role=tabpanel]");
      tabsWithErrors.add(panel ? panel.getAttribute("aria-labelledby") : field.startsWith("config.") ? "tab-config" : "tab-cadastro");
    }
    const marked = tabs.filter((tab) => tabsWithErrors.has(tab.id));
    for (const tab of marked) {
      tab.append(el("span", { class: "tab-error-mark" },
        el("span", { "aria-hidden": "true" }, "●"), el("span", { class: "sr-only" }, " " + t("ui.tab_has_errors"))));
    }
    if (marked.length && !marked.some((tab) => tab.getAttribute("aria-selected") === "true")) showTab(marked[0].id);
  }

  // --- save ---
  function collect() {
    const body = {
      description: $("description").value,
      active: $("active").value === "true",
      interval_minutes: $("interval_minutes").value === "" ? null : Number($("interval_minutes").value),
      branches: [...state.selected],
      send_from: document.querySelector("[data-field=send_from]").hidden ? null : $("send_from").value,
      config: [...document.querySelectorAll("#config input[data-key], #config select[data-key]")]
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
    if (result.ok && !editing) {
      // The new integration opened (not a list where it may be on another page), with the notice there.
      leaving = true;
      location.href = PAGE.list_href + "integracoes/" + result.data.id + "?aviso=cadastrada";
      return;
    }
    if (result.ok) {
      PAGE.integration = result.data;
      renderConfig(result.data.type_code, result.data.config);
      $("heading-description").textContent = result.data.description;
      savedState = snapshot();
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
      offerHostKey(outcome, result.data.host_key);
      return;
    }
    outcome.className = "error";
    outcome.textContent = result.data.message || t("ui.load_error");
    showErrors(result.data.errors);
  });

  // An SFTP server's key is confirmed by the agent, as `ssh` asks on a first connection: the button copies the
  // fingerprint the server offered into the key's field; saving then pins it.
  function offerHostKey(outcome, hostKey) {
    const field = document.querySelector('#config input[data-key="sftp_chave_host"]');
    if (!hostKey || hostKey.confirmed || !field) return;
    const confirm = el("button", { type: "button", id: "confirm-host-key" }, t("ui.confirm_host_key"));
    confirm.addEventListener("click", () => {
      field.value = hostKey.fingerprint;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      confirm.remove();
      outcome.className = "hint";
      outcome.textContent = t("ui.host_key_confirmed");
    });
    outcome.append(" ", confirm);
  }

  // --- initial state ---
  const current = PAGE.integration;
  if (current) {
    $("tenant_id").value = String(current.tenant_id);
    $("description").value = current.description;
    $("type_code").value = current.type_code;
    $("active").value = String(current.active);
    $("interval_minutes").value = current.interval_minutes;
    $("send_from").value = current.send_from || "";
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
  for (const id of ["description", "active", "interval_minutes", "send_from"]) $(id).disabled = readOnly;
  renderBranches();
  renderConfig($("type_code").value, current ? current.config : null);

  // --- unsaved changes: asked before leaving (closing, reloading, or a link of these pages) ---
  const snapshot = () => JSON.stringify(collect());
  let savedState = snapshot();
  let leaving = false;
  const unsaved = () => !readOnly && !leaving && snapshot() !== savedState;
  window.addEventListener("beforeunload", (event) => {
    if (unsaved()) { event.preventDefault(); event.returnValue = ""; }
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || link.getAttribute("href").startsWith("#") || link.target === "_blank") return;
    if (!unsaved()) return;
    if (confirm(t("ui.unsaved_confirm"))) leaving = true; else event.preventDefault();
  });

  if (PAGE.flash) {
    flash(t(PAGE.flash));
    history.replaceState(history.state, "", location.pathname + location.hash);  // not again on a reload
  }
  // After every page script has subscribed to "tabshown" (the Tarefas tab loads its rows on it).
  const openAddressTab = () => showTab(tabOfAddress());
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openAddressTab);
  else openAddressTab();
})();
