"use strict";
// Usuários: the paged, filtered list of users; create/edit dialog; deactivation; password reset.
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { page: 1, pageSize: 10, pages: 1, request: 0, editing: null, resetting: null };
  const body = document.querySelector("#users tbody");
  const dialog = $("user-dialog");
  const form = $("user-form");
  const tenantNames = Object.fromEntries(PAGE.tenants.map((tenant) => [tenant.id, tenant.name]));
  const tenantBoxes = () => [...document.querySelectorAll("#user-tenants input[name=tenant_ids]")];
  const roleLabel = (role) => t(role === "agent" ? "ui.users_role_agent" : "ui.users_role_client");

  // --- the list ---
  function filters() {
    const query = { search: $("search").value.trim() };
    for (const [name, id] of [["tenant_id", "filter-tenant"], ["role", "filter-role"], ["active", "filter-active"]]) {
      if ($(id).value) query[name] = $(id).value;
    }
    return query;
  }

  function tenantsOf(item) {
    if (!item.tenant_ids.length) return el("span", { class: "muted" }, item.role === "agent" ? t("ui.users_all_tenants_agent") : "—");
    const names = item.tenant_ids.map((id) => tenantNames[id] || "#" + id);
    return el("span", { class: "tags", title: names.join(", ") }, names.map((name) => el("span", { class: "tag" }, name)));
  }

  function render(result) {
    body.replaceChildren();
    if (!result.items.length) Admin.emptyRow(body, 8, t("ui.users_empty"));
    for (const item of result.items) {
      const actions = [];
      if (PAGE.can_edit) actions.push({ label: t("ui.edit"), onclick: () => openEdit(item) },
        { label: t("ui.users_reset_password"), onclick: () => openReset(item) });
      if (PAGE.can_edit && item.username !== PAGE.me) {
        actions.push({ label: t(item.active ? "ui.admin_deactivate" : "ui.admin_reactivate"), onclick: () => toggle(item) });
      }
      body.append(el("tr", { class: PAGE.can_edit ? "clickable" : "", dataset: { id: item.id, username: item.username, active: item.active },
        ondblclick: () => { if (PAGE.can_edit) openEdit(item); } },
        el("td", {}, item.username),
        el("td", {}, item.name),
        el("td", {}, item.email),
        el("td", {}, roleLabel(item.role)),
        el("td", {}, tenantsOf(item)),
        el("td", {}, el("span", { class: "badge " + (item.active ? "on" : "off") }, t(item.active ? "ui.users_active" : "ui.users_inactive")),
          item.active && item.can_sign_in === false ? el("span", { class: "badge pend", title: t("ui.users_cannot_sign_in_hint") }, t("ui.users_cannot_sign_in")) : null),
        el("td", {}, item.last_login ? Admin.when(item.last_login) : t("ui.users_never")),
        el("td", {}, actions.length ? actionMenu(t("ui.col_actions"), actions) : null)));
    }
    $("total").textContent = t("ui.users_total", { total: result.total });
    Admin.showPage(state, result);
  }

  async function load() {
    const ticket = ++state.request;  // answers arriving out of order must not overwrite newer ones
    const query = new URLSearchParams({ ...filters(), page: state.page, page_size: state.pageSize });
    Admin.busy(body, true);
    const result = await api("GET", "/users?" + query);
    if (ticket !== state.request) return;
    Admin.busy(body, false);
    if (!result.ok) { Admin.failed(result); return; }
    Admin.clearFlash();
    Admin.redraw(body, () => render(result.data));
  }
  const reload = () => { state.page = 1; load(); };

  // --- create / edit ---
  function countTenants() {
    const chosen = tenantBoxes().filter((box) => box.checked).length;
    $("user-tenants-count").textContent = t("ui.users_tenants_selected", { n: chosen });
  }
  function roleChanged() {
    const agent = $("user-role").value === "agent";
    $("user-tenants-hint").textContent = t(agent ? "ui.users_tenants_hint_agent" : "ui.users_tenants_hint_client");
    document.querySelector("#user-tenants-title").classList.toggle("required", !agent);
  }
  function filterTenants() {
    const wanted = $("user-tenants-filter").value.trim().toLocaleLowerCase(PAGE.lang);
    for (const label of document.querySelectorAll("#user-tenants label")) {
      label.hidden = Boolean(wanted) && !label.dataset.name.toLocaleLowerCase(PAGE.lang).includes(wanted);
    }
  }

  function open(user) {
    state.editing = user;
    Admin.clearErrors(form);
    form.reset();
    $("user-dialog-title").textContent = user ? t("ui.users_edit", { username: user.username }) : t("ui.users_new");
    $("user-username").value = user ? user.username : "";
    $("user-name").value = user ? user.name : "";
    $("user-email").value = user ? user.email || "" : "";
    $("user-role").value = user ? user.role : "client";
    // The username and the profile are fixed once created; the password changes through "Redefinir senha".
    $("user-username").disabled = Boolean(user);
    $("user-role").disabled = Boolean(user);
    $("user-password-fields").hidden = Boolean(user);
    const chosen = new Set((user ? user.tenant_ids : []).map(String));
    for (const box of tenantBoxes()) box.checked = chosen.has(box.value);
    $("user-tenants-filter").value = "";
    filterTenants();
    countTenants();
    roleChanged();
    dialog.showModal();
    (user ? $("user-name") : $("user-username")).focus();
  }
  const openNew = () => open(null);
  const openEdit = (user) => open(user);

  async function save() {
    const data = {
      name: $("user-name").value.trim(),
      email: $("user-email").value.trim(),
      tenant_ids: tenantBoxes().filter((box) => box.checked).map((box) => Number(box.value)),
    };
    const editing = state.editing;
    if (!editing) {
      Object.assign(data, {
        username: $("user-username").value.trim(), password: $("user-password").value, role: $("user-role").value,
      });
      if (data.password !== $("user-password-confirm").value) {
        Admin.showErrors(form, { message: t("ui.users_fix_fields"), errors: { password_confirm: t("ui.users_password_mismatch") } });
        return;
      }
    }
    const result = editing ? await api("PUT", "/users/" + editing.id, data) : await api("POST", "/users", data);
    if (!result.ok) { Admin.showErrors(form, result.data); return; }
    dialog.close();
    toast(t(editing ? "ui.users_saved" : "ui.users_created", { username: result.data.username }));
    load();
  }

  // --- deactivate / reactivate ---
  async function toggle(item) {
    const deactivating = item.active;
    const question = t(deactivating ? "ui.users_confirm_deactivate" : "ui.users_confirm_reactivate", { username: item.username });
    if (!(await Admin.confirm(question, t(deactivating ? "ui.admin_deactivate" : "ui.admin_reactivate")))) return;
    const result = await api("PUT", "/users/" + item.id, { active: !deactivating });
    if (!result.ok) { Admin.failed(result); return; }
    Admin.clearFlash();
    toast(t(deactivating ? "ui.users_deactivated" : "ui.users_reactivated", { username: item.username }));
    load();
  }

  // --- password reset ---
  const resetDialog = $("password-dialog");
  const resetForm = $("password-form");
  function openReset(item) {
    state.resetting = item;
    resetForm.reset();
    Admin.clearErrors(resetForm);
    $("password-dialog-title").textContent = t("ui.users_reset_title", { username: item.username });
    resetDialog.showModal();
    $("reset-password").focus();
  }
  async function reset() {
    const password = $("reset-password").value;
    if (password !== $("reset-password-confirm").value) {
      Admin.showErrors(resetForm, { message: t("ui.users_fix_fields"), errors: { password_confirm: t("ui.users_password_mismatch") } });
      return;
    }
    const result = await api("PUT", "/users/" + state.resetting.id, { password });
    if (!result.ok) { Admin.showErrors(resetForm, result.data); return; }
    resetDialog.close();
    toast(t("ui.users_password_reset", { username: state.resetting.username }));
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); Admin.saving($("user-save"), save); });
  resetForm.addEventListener("submit", (event) => { event.preventDefault(); Admin.saving($("password-save"), reset); });
  for (const [button, target] of [["user-close", dialog], ["user-cancel", dialog], ["password-close", resetDialog], ["password-cancel", resetDialog]]) {
    $(button).addEventListener("click", () => target.close());
  }
  $("user-role").addEventListener("change", roleChanged);
  $("user-tenants").addEventListener("change", countTenants);
  $("user-tenants-filter").addEventListener("input", filterTenants);
  if ($("new-user")) $("new-user").addEventListener("click", openNew);
  $("refresh").addEventListener("click", load);
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); reload(); });
  $("search").addEventListener("input", debounce(reload, 250));
  for (const id of ["filter-tenant", "filter-role", "filter-active"]) $(id).addEventListener("change", reload);
  Admin.wirePager(state, load);
  load();
})();
