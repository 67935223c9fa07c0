"use strict";
// Auditoria: who changed what and when (read-only), filtered, paged, each change's before/after on demand.
(() => {
  const $ = (id) => document.getElementById(id);
  // `open`: the changes whose details are shown, kept open across refreshes, pages and filters.
  const state = { page: 1, pageSize: 25, pages: 1, request: 0, open: new Set() };
  const body = document.querySelector("#audit tbody");

  function filters() {
    const query = {};
    for (const [name, id] of [["tenant_id", "filter-tenant"], ["username", "filter-username"], ["entity", "filter-entity"],
      ["start", "filter-start"], ["end", "filter-end"]]) {
      const value = $(id).value.trim();
      if (value) query[name] = value;
    }
    return query;
  }

  // --- before / after, field by field ---
  const shown = (value) => {
    if (value === undefined || value === null || value === "") return "—";
    if (Array.isArray(value) && value.every((part) => part === null || typeof part !== "object")) return value.join(", ") || "—";
    return typeof value === "object" ? JSON.stringify(value, null, 1) : String(value);
  };
  function changes(item) {
    const before = item.before && typeof item.before === "object" ? item.before : {};
    const after = item.after && typeof item.after === "object" ? item.after : {};
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    if (!fields.length) return el("p", { class: "hint" }, t("ui.audit_no_details"));
    return el("table", { class: "diff" },
      el("thead", {}, el("tr", {}, el("th", {}, t("ui.audit_field")), el("th", {}, t("ui.audit_before")), el("th", {}, t("ui.audit_after")))),
      el("tbody", {}, fields.map((field) => {
        const changed = JSON.stringify(before[field]) !== JSON.stringify(after[field]);
        return el("tr", { class: changed ? "changed" : "", dataset: { field } },
          el("th", { scope: "row" }, field),
          el("td", { class: "before" }, item.before ? shown(before[field]) : "—"),
          el("td", { class: "after" }, item.after ? shown(after[field]) : "—"));
      })));
  }

  function render(result) {
    body.replaceChildren();
    if (!result.items.length) Admin.emptyRow(body, 7, t("ui.audit_empty"));
    for (const item of result.items) {
      const detailsId = "audit-details-" + item.id;
      const details = el("tr", { class: "details", id: detailsId, hidden: true }, el("td", { colspan: 7 }, changes(item)));
      const toggle = el("button", { type: "button", class: "details-toggle", "aria-controls": detailsId,
        onclick: () => showDetails(!state.open.has(item.id)) });
      const showDetails = (opening) => {
        if (opening) state.open.add(item.id); else state.open.delete(item.id);
        details.hidden = !opening;
        toggle.setAttribute("aria-expanded", String(opening));
        toggle.textContent = t(opening ? "ui.audit_hide_details" : "ui.audit_details");
      };
      showDetails(state.open.has(item.id));
      body.append(el("tr", { dataset: { id: item.id, entity: item.entity, action: item.action } },
        el("td", {}, el("time", { datetime: item.at }, Admin.when(item.at))),
        el("td", {}, item.username || t("ui.audit_system")),
        el("td", {}, item.tenant_name || "—"),
        el("td", {}, item.action_label || item.action),
        el("td", {}, item.entity_label || item.entity),
        el("td", {}, item.entity_id ?? "—"),
        el("td", {}, toggle)), details);
    }
    $("total").textContent = t("ui.audit_total", { total: result.total });
    Admin.showPage(state, result);
  }

  async function load() {
    const ticket = ++state.request;  // answers arriving out of order must not overwrite newer ones
    const query = new URLSearchParams({ ...filters(), page: state.page, page_size: state.pageSize });
    $("export-csv").href = `${PAGE.api}/audit?` + new URLSearchParams({ ...filters(), format: "csv" });
    Admin.busy(body, true);
    const result = await api("GET", "/audit?" + query);
    if (ticket !== state.request) return;
    Admin.busy(body, false);
    if (!result.ok) {
      $("errors").textContent = Object.values(result.data.errors || {}).join(" ") || result.data.message || t("ui.load_error");
      $("errors").hidden = false;
      return;
    }
    $("errors").hidden = true;
    Admin.clearFlash();
    render(result.data);
  }
  const reload = () => { state.page = 1; load(); };

  $("filters").addEventListener("submit", (event) => { event.preventDefault(); reload(); });
  for (const id of ["filter-tenant", "filter-entity", "filter-start", "filter-end"]) $(id).addEventListener("change", reload);
  // The user filter is an exact username: applied when it is complete (Enter or leaving the field).
  $("filter-username").addEventListener("change", reload);
  $("refresh").addEventListener("click", load);
  Admin.wirePager(state, load);
  // Arriving with filters in the address (?entity=usuario&username=...): they are applied.
  const wanted = new URLSearchParams(location.search);
  for (const [name, id] of [["tenant_id", "filter-tenant"], ["username", "filter-username"], ["entity", "filter-entity"],
    ["start", "filter-start"], ["end", "filter-end"]]) {
    if (wanted.has(name)) $(id).value = wanted.get(name);
  }
  load();
})();
