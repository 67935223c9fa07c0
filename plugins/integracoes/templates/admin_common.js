"use strict";
// Shared helpers of the administration pages: loading state, field errors, confirmation, paging, formats.
const Admin = (() => {
  const digits = (value) => String(value || "").replace(/\D/g, "");

  // 12345678000195 -> 12.345.678/0001-95, also while it is being typed.
  function formatCnpj(value) {
    const d = digits(value).slice(0, 14);
    let out = d.slice(0, 2);
    if (d.length > 2) out += "." + d.slice(2, 5);
    if (d.length > 5) out += "." + d.slice(5, 8);
    if (d.length > 8) out += "/" + d.slice(8, 12);
    if (d.length > 12) out += "-" + d.slice(12, 14);
    return out;
  }
  function maskCnpj(input) {
    input.addEventListener("input", () => { input.value = formatCnpj(input.value); });
  }

  // Dates as every screen shows them (app.js formatDate: "06/12/2026 12:25").
  const when = (iso) => (iso ? formatDate(iso, true) : "—");
  const day = (iso) => (iso ? formatDate(String(iso).slice(0, 10)) : "—");
  const number = (value) => new Intl.NumberFormat(PAGE.lang).format(Number(value || 0));

  // A request in flight: the #loading hint shows and the target (a table body) is marked busy.
  function busy(target, on) {
    const hint = document.getElementById("loading");
    if (hint) hint.hidden = !on;
    if (target) { if (on) target.setAttribute("aria-busy", "true"); else target.removeAttribute("aria-busy"); }
  }
  // An answer arrived fine: an error banner left by an earlier failure goes away.
  function clearFlash() {
    const box = document.getElementById("flash");
    if (box.classList.contains("error")) box.hidden = true;
  }
  function failed(result) {
    flash(result.data && result.data.message ? result.data.message : t("ui.load_error"), "error");
  }

  // --- field errors: [data-error="<field>"] next to each field; the rest listed on top of the form ---
  const normalise = (field) => field.replace(/\[(\d+)\]/g, ".$1");
  function clearErrors(root) {
    for (const node of root.querySelectorAll("[data-error]")) node.textContent = "";
    for (const node of root.querySelectorAll(".invalid")) node.classList.remove("invalid");
    for (const node of root.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    const list = root.querySelector(".dialog-errors");
    if (list) { list.replaceChildren(); list.hidden = true; }
  }
  function slotFor(root, field) {
    // "branches.0.cnpj" falls back to "branches.0", then "branches".
    const parts = normalise(field).split(".");
    while (parts.length) {
      const slot = root.querySelector(`[data-error="${CSS.escape(parts.join("."))}"]`);
      if (slot) return slot;
      parts.pop();
    }
    return null;
  }
  function showErrors(root, data) {
    clearErrors(root);
    const loose = [];
    let first = null;
    for (const [field, message] of Object.entries((data && data.errors) || {})) {
      const slot = slotFor(root, field);
      if (!slot) { loose.push(message); continue; }
      slot.textContent = slot.textContent ? slot.textContent + " " + message : message;
      const holder = slot.closest(".field, td, .section");
      if (holder) holder.classList.add("invalid");
      const input = holder && holder.querySelector("input, select");
      if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
    }
    const list = root.querySelector(".dialog-errors");
    const summary = [data && data.message ? data.message : t("ui.load_error"), ...loose];
    if (list) {
      list.replaceChildren(...summary.map((message) => el("li", {}, message)));
      list.hidden = false;
    }
    if (first) first.focus();
  }

  // --- confirmation (#confirm-dialog): resolves true when the user confirms ---
  function confirm(message, label) {
    const dialog = document.getElementById("confirm-dialog");
    document.getElementById("confirm-text").textContent = message;
    const ok = document.getElementById("confirm-ok");
    ok.textContent = label;
    return new Promise((resolve) => {
      const done = (answer) => { dialog.removeEventListener("close", onClose); if (dialog.open) dialog.close(); resolve(answer); };
      const onClose = () => done(false);
      dialog.addEventListener("close", onClose);
      ok.onclick = () => done(true);
      document.getElementById("confirm-cancel").onclick = () => done(false);
      dialog.showModal();
      document.getElementById("confirm-cancel").focus();
    });
  }

  // --- paging (#page-size, #prev, #next, #page-label of pager.html) ---
  function wirePager(state, load) {
    document.getElementById("page-size").addEventListener("change", (event) => {
      state.pageSize = Number(event.target.value); state.page = 1; load();
    });
    document.getElementById("prev").addEventListener("click", () => { if (state.page > 1) { state.page--; load(); } });
    document.getElementById("next").addEventListener("click", () => { if (state.page < state.pages) { state.page++; load(); } });
  }
  function showPage(state, result) {
    state.pages = Math.max(1, result.pages || 1);
    document.getElementById("page-label").textContent = t("ui.page_of", { page: result.page, pages: state.pages });
    document.getElementById("prev").disabled = result.page <= 1;
    document.getElementById("next").disabled = result.page >= state.pages;
  }
  // A list drawn again (a search answered, a save, paging) while a row's action menu is open: the menu of that
  // same row is open again on the new draw, so a person who opened it meanwhile does not see it vanish.
  function redraw(body, draw) {
    const open = body.querySelector(".menu-list:not([hidden])")?.closest("tr")?.dataset.id;
    draw();
    if (open === undefined) return;
    body.querySelector(`tr[data-id="${CSS.escape(open)}"] button[aria-haspopup=menu]`)?.click();
  }
  function emptyRow(body, columns, message) {
    body.append(el("tr", {}, el("td", { colspan: columns, class: "empty" }, message)));
  }

  // A save button while its request runs: disabled, "Salvando…".
  async function saving(button, work) {
    const label = button.textContent;
    button.disabled = true;
    button.textContent = t("ui.saving");
    try { return await work(); } finally { button.disabled = false; button.textContent = label; }
  }

  return { digits, formatCnpj, maskCnpj, when, day, number, busy, clearFlash, failed, clearErrors, showErrors,
           confirm, wirePager, showPage, redraw, emptyRow, saving };
})();
