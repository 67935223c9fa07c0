"use strict";
// Redes: the paged list of tenants, the create/edit dialog (branches, contracted services), deactivation.
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { search: "", page: 1, pageSize: 10, pages: 1, request: 0, editing: null };
  const body = document.querySelector("#tenants tbody");
  const dialog = $("tenant-dialog");
  const form = $("tenant-form");
  const typeNames = Object.fromEntries(PAGE.types.map((type) => [type.code, type.name]));
  const serviceBoxes = () => [...document.querySelectorAll("#services input[name=services]")];

  // --- the list ---
  function services(codes) {
    if (!codes.length) return el("span", { class: "muted" }, t("ui.tenants_no_services"));
    const names = codes.map((code) => typeNames[code] || code).sort((a, b) => a.localeCompare(b, PAGE.lang));
    const shown = names.slice(0, 3);
    return el("span", { class: "tags", title: names.join(", ") },
      shown.map((name) => el("span", { class: "tag" }, name)),
      names.length > shown.length ? el("span", { class: "tag" }, "+" + (names.length - shown.length)) : null);
  }

  function render(result) {
    body.replaceChildren();
    if (!result.items.length) Admin.emptyRow(body, 7, t("ui.tenants_empty"));
    for (const item of result.items) {
      const actions = [{ label: t(PAGE.can_edit ? "ui.edit" : "ui.view"), onclick: () => openEdit(item.id) }];
      if (PAGE.can_edit) actions.push({ label: t(item.active ? "ui.admin_deactivate" : "ui.admin_reactivate"), onclick: () => toggle(item) });
      body.append(el("tr", { class: "clickable", dataset: { id: item.id, active: item.active }, ondblclick: () => openEdit(item.id) },
        el("td", {}, item.name),
        el("td", {}, Admin.formatCnpj(item.cnpj)),
        el("td", { class: "num" }, item.branches),
        el("td", { class: "num" }, item.users),
        el("td", {}, services(item.services || [])),
        el("td", {}, el("span", { class: "badge " + (item.active ? "on" : "off") }, t(item.active ? "ui.active" : "ui.inactive"))),
        el("td", {}, actionMenu(t("ui.col_actions"), actions))));
    }
    $("total").textContent = t("ui.tenants_total", { total: result.total });
    Admin.showPage(state, result);
  }

  async function load() {
    const ticket = ++state.request;  // answers arriving out of order must not overwrite newer ones
    const query = new URLSearchParams({ search: state.search, page: state.page, page_size: state.pageSize });
    Admin.busy(body, true);
    const result = await api("GET", "/tenants?" + query);
    if (ticket !== state.request) return;
    Admin.busy(body, false);
    if (!result.ok) { Admin.failed(result); return; }
    Admin.clearFlash();
    Admin.redraw(body, () => render(result.data));
  }

  // --- the dialog ---
  function branchRow(branch) {
    const stateSelect = el("select", { "data-name": "state", "aria-label": t("ui.tenants_branch_state") });
    stateSelect.append($("state-options").content.cloneNode(true));
    stateSelect.value = branch.state || "";
    const cnpj = el("input", { "data-name": "cnpj", inputmode: "numeric", maxlength: 18, autocomplete: "off",
      placeholder: "00.000.000/0000-00", "aria-label": "CNPJ", value: Admin.formatCnpj(branch.cnpj || "") });
    Admin.maskCnpj(cnpj);
    const cell = (name, input) => el("td", { class: "field-cell" }, input, el("div", { class: "cell-error", "data-error-cell": name }));
    const row = el("tr", { dataset: branch.id ? { id: branch.id } : {} },
      cell("code", el("input", { "data-name": "code", inputmode: "numeric", maxlength: 9, autocomplete: "off",
        "aria-label": t("ui.branch_code"), value: branch.code ?? "" })),
      cell("name", el("input", { "data-name": "name", maxlength: 120, autocomplete: "off", "aria-label": t("ui.branch_name"),
        value: branch.name || "" })),
      cell("cnpj", cnpj),
      cell("city", el("input", { "data-name": "city", maxlength: 80, autocomplete: "off", "aria-label": t("ui.tenants_branch_city"),
        value: branch.city || "" })),
      cell("state", stateSelect),
      el("td", {}, branch.id ? null : el("button", { type: "button", class: "remove-branch", "aria-label": t("ui.tenants_remove_branch"),
        title: t("ui.tenants_remove_branch"), onclick: () => { row.remove(); numberRows(); } }, "✕")));
    return row;
  }
  // Each row's error slots carry its position, matching the API's "branches.<n>.<field>".
  function numberRows() {
    [...document.querySelectorAll("#branch-rows tbody tr")].forEach((row, index) => {
      row.dataset.index = index;
      for (const slot of row.querySelectorAll("[data-error-cell]")) slot.dataset.error = `branches.${index}.${slot.dataset.errorCell}`;
    });
  }
  function addBranch(branch) {
    const row = branchRow(branch || {});
    document.querySelector("#branch-rows tbody").append(row);
    numberRows();
    return row;
  }

  function countServices() {
    const boxes = serviceBoxes();
    const chosen = boxes.filter((box) => box.checked).length;
    $("services-count").textContent = t("ui.tenants_services_selected", { n: chosen, total: boxes.length });
    $("services-all").checked = chosen === boxes.length;
    $("services-all").indeterminate = chosen > 0 && chosen < boxes.length;
  }

  function fill(tenant) {
    Admin.clearErrors(form);
    $("tenant-name").value = tenant ? tenant.name : "";
    $("tenant-cnpj").value = tenant ? Admin.formatCnpj(tenant.cnpj) : "";
    document.querySelector("#branch-rows tbody").replaceChildren();
    for (const branch of tenant ? tenant.branches : [{}]) addBranch(branch);
    const chosen = new Set(tenant ? tenant.services : []);
    for (const box of serviceBoxes()) box.checked = chosen.has(box.value);
    countServices();
  }

  function openNew() {
    state.editing = null;
    $("tenant-dialog-title").textContent = t("ui.tenants_new");
    fill(null);
    for (const input of form.querySelectorAll("input, select, #add-branch")) input.disabled = false;
    $("tenant-save").hidden = false;
    dialog.showModal();
    $("tenant-name").focus();
  }

  async function openEdit(id) {
    Admin.busy(body, true);
    const result = await api("GET", "/tenants/" + id);
    Admin.busy(body, false);
    if (!result.ok) { Admin.failed(result); return; }
    Admin.clearFlash();
    state.editing = result.data;
    $("tenant-dialog-title").textContent = t("ui.tenants_edit", { name: result.data.name });
    fill(result.data);
    for (const input of form.querySelectorAll("input, select, #add-branch")) input.disabled = !PAGE.can_edit;
    $("tenant-save").hidden = !PAGE.can_edit;
    dialog.showModal();
    $("tenant-name").focus();
  }

  function collect() {
    const branches = [...document.querySelectorAll("#branch-rows tbody tr")].map((row) => {
      const value = (name) => row.querySelector(`[data-name=${name}]`).value.trim();
      const code = value("code");
      const branch = { code: /^\d+$/.test(code) ? Number(code) : (code || null), name: value("name"), cnpj: value("cnpj"),
        city: value("city") || null, state: value("state") || null };
      if (row.dataset.id) branch.id = Number(row.dataset.id);
      return branch;
    });
    return { name: $("tenant-name").value.trim(), cnpj: $("tenant-cnpj").value.trim(), branches,
      services: serviceBoxes().filter((box) => box.checked).map((box) => box.value) };
  }

  async function save() {
    const data = collect();
    const editing = state.editing;
    if (!editing) {
      const created = await api("POST", "/tenants", data);
      if (!created.ok) { Admin.showErrors(form, created.data); return; }
      dialog.close();
      toast(t("ui.tenants_created", { name: created.data.name }));
      state.search = ""; $("search").value = ""; state.page = 1;
      load();
      return;
    }
    // One request: the registration, the branches and the contracted services change together or not at all.
    const updated = await api("PUT", "/tenants/" + editing.id, data);
    if (!updated.ok) { Admin.showErrors(form, updated.data); return; }
    dialog.close();
    toast(t("ui.tenants_saved", { name: updated.data.name }));
    load();
  }

  async function toggle(item) {
    const deactivating = item.active;
    const question = t(deactivating ? "ui.tenants_confirm_deactivate" : "ui.tenants_confirm_reactivate", { name: item.name });
    if (!(await Admin.confirm(question, t(deactivating ? "ui.admin_deactivate" : "ui.admin_reactivate")))) return;
    const result = await api("PUT", "/tenants/" + item.id, { active: !deactivating });
    if (!result.ok) { Admin.failed(result); return; }
    Admin.clearFlash();
    toast(t(deactivating ? "ui.tenants_deactivated" : "ui.tenants_reactivated", { name: item.name }));
    load();
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); Admin.saving($("tenant-save"), save); });
  $("tenant-close").addEventListener("click", () => dialog.close());
  $("tenant-cancel").addEventListener("click", () => dialog.close());
  $("add-branch").addEventListener("click", () => addBranch({}).querySelector("input").focus());
  $("services").addEventListener("change", countServices);
  $("services-all").addEventListener("change", (event) => {
    for (const box of serviceBoxes()) box.checked = event.target.checked;
    countServices();
  });
  Admin.maskCnpj($("tenant-cnpj"));
  if ($("new-tenant")) $("new-tenant").addEventListener("click", openNew);
  $("refresh").addEventListener("click", load);
  $("search").addEventListener("input", debounce((event) => { state.search = event.target.value; state.page = 1; load(); }, 250));
  Admin.wirePager(state, load);
  load();
})();
