"use strict";
// Serviços faturáveis: the retroactive runs support agents requested on a tenant's behalf in a month.
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { request: 0 };
  const body = document.querySelector("#billable tbody");

  function params() {
    return { tenant_id: $("tenant").value, month: $("month").value };
  }

  function exportLink(enabled) {
    const link = $("export-csv");
    if (enabled) {
      link.href = `${PAGE.api}/reports/billable-runs?` + new URLSearchParams({ ...params(), format: "csv" });
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }

  function totals(data) {
    $("total-requests").textContent = data ? Admin.number(data.requests) : "—";
    $("total-chunks").textContent = data ? Admin.number(data.chunks) : "—";
    $("total-days").textContent = data ? Admin.number(data.days) : "—";
  }

  function render(data) {
    totals(data);
    body.replaceChildren();
    if (!data.items.length) Admin.emptyRow(body, 9, t("ui.billable_empty"));
    for (const row of data.items) {
      body.append(el("tr", { dataset: { integration: row.integration_id } },
        el("td", {}, Admin.when(row.requested_at)),
        el("td", {}, row.requested_by),
        el("td", {}, el("a", { href: `${PAGE.list_href}integracoes/${row.integration_id}` }, row.integration)),
        el("td", {}, row.type_name),
        el("td", {}, Admin.day(row.data_inicial)),
        el("td", {}, Admin.day(row.data_final)),
        el("td", { class: "num" }, row.chunks),
        el("td", {}, (row.task_codes || []).join(", ")),
        el("td", { class: "num" }, row.days)));
    }
  }

  function idle() {
    totals(null);
    body.replaceChildren();
    Admin.emptyRow(body, 9, t("ui.billable_choose_tenant"));
    exportLink(false);
  }

  async function load() {
    if (!$("tenant").value) { idle(); return; }
    if (!$("filters").reportValidity()) return;
    const ticket = ++state.request;
    Admin.busy(body, true);
    const result = await api("GET", "/reports/billable-runs?" + new URLSearchParams(params()));
    if (ticket !== state.request) return;
    Admin.busy(body, false);
    if (!result.ok) {
      $("errors").textContent = Object.values(result.data.errors || {}).join(" ") || result.data.message || t("ui.load_error");
      $("errors").hidden = false;
      exportLink(false);
      return;
    }
    $("errors").hidden = true;
    Admin.clearFlash();
    render(result.data);
    exportLink(true);
  }

  $("filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  $("tenant").addEventListener("change", load);
  $("month").addEventListener("change", load);
  // A tenant chosen before (?tenant_id=) or the only one there is: its report right away.
  const wanted = new URLSearchParams(location.search).get("tenant_id");
  const options = [...$("tenant").options].filter((option) => option.value);
  if (wanted && options.some((option) => option.value === wanted)) $("tenant").value = wanted;
  else if (options.length === 1) $("tenant").value = options[0].value;
  load();
})();
