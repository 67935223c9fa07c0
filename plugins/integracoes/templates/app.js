"use strict";
// Shared helpers of the Integrações pages: page data, messages, API calls (with their loading state), DOM
// building, flash messages, action menus, keyboard use of rows, and following Airflow's look.
const PAGE = JSON.parse(document.getElementById("page-data").textContent);
// The plugin is mounted one level below Airflow (/integracoes/ under /): Airflow's own pages live there.
const AIRFLOW_ROOT = PAGE.list_href.replace(/[^/]+\/$/, "");

function t(key, params) {
  let text = PAGE.messages[key] || key;
  for (const [name, value] of Object.entries(params || {})) text = text.replaceAll("{" + name + "}", String(value));
  return text;
}

// --- requests -------------------------------------------------------------------------------------------------
// Every call marks what it updates busy (the open dialog, else <main>): aria-busy, the progress bar on top and,
// after a short delay (CSS), dimmed content. A GET of a resource a newer GET of the same resource supersedes
// (search, paging, tabs) is aborted and never settles, so an older answer can never replace a newer one under a
// new search term. The error banner of a failed call goes away when the same call next succeeds.
const requests = { latest: new Map(), failed: null, busy: new Map() };
const NEVER = new Promise(() => {});

function markBusy(target) {
  requests.busy.set(target, (requests.busy.get(target) || 0) + 1);
  target.setAttribute("aria-busy", "true");
  document.documentElement.classList.add("loading-data");
  return () => {
    const left = requests.busy.get(target) - 1;
    if (left > 0) { requests.busy.set(target, left); return; }
    requests.busy.delete(target);
    target.removeAttribute("aria-busy");
    if (!requests.busy.size) document.documentElement.classList.remove("loading-data");
  };
}

// To Airflow's login, in the top window (the pages also run inside Airflow's iframe), and back here after it.
function toLogin() {
  let top = window;
  try { top = window.top; void top.location.href; } catch (error) { top = window; }
  top.location.assign(AIRFLOW_ROOT + "auth/login/?next=" + encodeURIComponent(top.location.href));
}

// `quiet`: a request nobody asked for (a refresh by polling) shows no loading state.
async function api(method, path, body, { quiet = false } = {}) {
  const resource = method + " " + path.split("?")[0];
  const controller = new AbortController();
  if (method === "GET") {
    requests.latest.get(resource)?.abort();
    requests.latest.set(resource, controller);
  }
  const options = { method, credentials: "same-origin", signal: controller.signal,
                    headers: { "Accept": "application/json", "Accept-Language": PAGE.lang } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const release = quiet ? () => {} : markBusy(document.querySelector("dialog[open]") || document.querySelector("main"));
  let response = null;
  let data = null;
  try {
    response = await fetch(PAGE.api + path, options);
    data = await response.json().catch(() => ({ message: t("ui.load_error") }));
  } catch (error) {
    data = { message: t("ui.load_error") };
  } finally {
    release();
    if (requests.latest.get(resource) === controller) requests.latest.delete(resource);
  }
  if (controller.signal.aborted) return NEVER;
  if (response && response.status === 401) { toLogin(); return NEVER; }
  const ok = Boolean(response && response.ok);
  if (!ok) requests.failed = resource;
  else if (requests.failed === resource) { requests.failed = null; clearErrorFlash(); }
  return { ok, status: response ? response.status : 0, data: data || {} };
}

// Builds elements with text content only (never innerHTML), so data can never become markup.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function flash(text, kind) {
  const box = document.getElementById("flash");
  box.textContent = text;
  box.className = "flash" + (kind === "error" ? " error" : "");
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

function clearErrorFlash() {
  const box = document.getElementById("flash");
  if (box && box.classList.contains("error")) box.hidden = true;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// --- action menus ("Ações") -------------------------------------------------------------------------------------
// One open at a time; Enter/Space/ArrowDown on the button open it on its first item, the arrows (Home/End) move,
// Escape closes it back on its button, Tab or a click elsewhere closes it. It is placed against the viewport
// (fixed, following its button as the page or its table scrolls), so a table that scrolls sideways on a narrow
// screen does not cut it off.
function closeMenus(except) {
  for (const menu of document.querySelectorAll(".menu-list")) {
    if (menu === except || menu.hidden) continue;
    menu.hidden = true;
    menu.previousElementSibling?.setAttribute("aria-expanded", "false");
  }
}
document.addEventListener("click", (event) => closeMenus(event.target.closest?.(".menu")?.querySelector(".menu-list")));
const placeOpenMenus = () => { for (const menu of document.querySelectorAll(".menu-list:not([hidden])")) menu.place?.(); };
window.addEventListener("scroll", placeOpenMenus, true);
window.addEventListener("resize", placeOpenMenus);

// A popup under its button, or above it when there is no room below; against the button's right edge (a menu of
// the last column) or its left edge (a column's filter), never past the viewport's sides.
function placeAgainst(button, popup, edge) {
  const at = button.getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const below = at.bottom + 2 + popup.offsetHeight <= window.innerHeight || at.top < popup.offsetHeight + 2;
  popup.style.top = (below ? at.bottom + 2 : at.top - popup.offsetHeight - 2) + "px";
  if (edge === "right") popup.style.right = Math.max(4, width - at.right) + "px";
  else popup.style.left = Math.max(4, Math.min(at.left, width - popup.offsetWidth - 4)) + "px";
}

function actionMenu(label, items) {
  const list = el("div", { class: "menu-list", role: "menu", hidden: true },
    items.map((item) => el("a", { href: item.href || "#", role: "menuitem", tabindex: -1, onclick: item.onclick && ((event) => {
      event.preventDefault();
      closeMenus();
      item.onclick();
    }) }, item.label)));
  const entries = () => [...list.querySelectorAll("[role=menuitem]")];
  list.place = () => placeAgainst(button, list, "right");
  function open(focusLast) {
    closeMenus(list);
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    list.place();
    const all = entries();
    all[focusLast ? all.length - 1 : 0]?.focus({ preventScroll: true });
  }
  function close() {
    closeMenus();
    button.focus();
  }
  const button = el("button", { type: "button", "aria-haspopup": "menu", "aria-expanded": "false", onclick: (event) => {
    event.stopPropagation();
    if (list.hidden) open(false); else closeMenus();
  }, onkeydown: (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); open(event.key === "ArrowUp"); }
  } }, label, el("span", { "aria-hidden": "true" }, " ▾"));
  list.addEventListener("keydown", (event) => {
    const all = entries();
    const at = all.indexOf(document.activeElement);
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      all[(moves[event.key] + all.length) % all.length].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "Tab") {
      closeMenus();
    } else if (event.key === " ") {
      event.preventDefault();
      document.activeElement.click();
    }
  });
  return el("div", { class: "menu" }, button, list);
}
document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenus(); });

// --- column filters (the manual's funnel beside a column's name) ---------------------------------------------------
// The funnel opens the column's values as check boxes; "Ok" keeps the rows whose value is ticked. Every value
// ticked is no filter at all. `source.values()` lists what the column holds now, `source.chosen` is the Set in
// force (null: none) and `source.apply(Set|null)` is told the choice. It is an action menu's sibling: one popup
// open at a time, placed against the viewport, closed by Escape or a click elsewhere.
function columnFilter(label, source) {
  const name = `${t("ui.filter")} ${label}`;
  const popup = el("div", { class: "menu-list filter-list", role: "dialog", "aria-label": name, hidden: true });
  const button = el("button", { type: "button", class: "col-filter", title: name, "aria-label": name,
    "aria-haspopup": "dialog", "aria-expanded": "false", onclick: (event) => {
      event.stopPropagation();
      if (popup.hidden) open(); else closeMenus();
    } }, icon(FUNNEL));
  popup.place = () => placeAgainst(button, popup, "left");
  function open() {
    closeMenus(popup);
    const values = [...new Set(source.values())].sort((a, b) => a.localeCompare(b, PAGE.lang));
    const boxes = values.map((value) => el("input", { type: "checkbox", value, checked: !source.chosen || source.chosen.has(value) }));
    const all = el("input", { type: "checkbox", checked: boxes.every((box) => box.checked) });
    all.indeterminate = !all.checked && boxes.some((box) => box.checked);
    all.addEventListener("change", () => { for (const box of boxes) box.checked = all.checked; });
    for (const box of boxes) box.addEventListener("change", () => {
      all.checked = boxes.every((each) => each.checked);
      all.indeterminate = !all.checked && boxes.some((each) => each.checked);
    });
    const finish = (chosen) => { closeMenus(); button.focus(); mark(chosen); source.apply(chosen); };
    popup.replaceChildren(
      el("label", { class: "filter-all" }, all, t("ui.filter_all")),
      el("div", { class: "filter-values" }, boxes.map((box) => el("label", {}, box, box.value || t("ui.filter_blank")))),
      el("div", { class: "filter-actions" },
        el("button", { type: "button", onclick: () => finish(null) }, t("ui.filter_clear")),
        el("button", { type: "button", class: "primary", onclick: () => {
          const ticked = boxes.filter((box) => box.checked).map((box) => box.value);
          finish(ticked.length === boxes.length ? null : new Set(ticked));
        } }, t("ui.filter_ok"))));
    popup.hidden = false;
    button.setAttribute("aria-expanded", "true");
    popup.place();
    (popup.querySelector(".filter-values input") || all).focus({ preventScroll: true });
  }
  function mark(chosen) {
    button.classList.toggle("active", Boolean(chosen));
    button.setAttribute("aria-pressed", String(Boolean(chosen)));
  }
  popup.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); closeMenus(); button.focus(); }
  });
  const box = el("span", { class: "menu col-filter-box" }, button, popup);
  box.sync = () => mark(source.chosen);  // after the owner changed the choice itself (another task's files)
  box.sync();
  return box;
}

// A 16×16 line icon (decorative: its button carries the name).
function icon(path) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}
const FUNNEL = "M1.5 2h13l-5 6v5l-3 1.5V8z";
const CALENDAR = "M2.5 3.5h11v10h-11zM2.5 6.5h11M5.5 2v3M10.5 2v3";

// A short notice in the top right corner that goes away by itself.
function toast(text, kind) {
  const note = el("div", { class: "toast" + (kind === "error" ? " error" : ""), role: kind === "error" ? "alert" : "status" }, text);
  document.body.append(note);
  setTimeout(() => note.remove(), 6000);
}

// --- keyboard and narrow screens -----------------------------------------------------------------------------------
// Rows that open on a double click (tr.clickable) are reachable with Tab and open with Enter, on every listing.
// Wide tables scroll inside their own box instead of widening the page; a box that scrolls (that one, the log,
// the lists of branches, …) takes the focus, so it can be scrolled from the keyboard too.
const SCROLL_BOXES = ".table-scroll, .log, .branches, .checklist, .dialog-body";
function enhance() {
  for (const row of document.querySelectorAll("tr.clickable:not([tabindex])")) row.tabIndex = 0;
  for (const table of document.querySelectorAll("table.grid, table.diff")) {
    if (table.parentElement.classList.contains("table-scroll")) continue;
    const box = el("div", { class: "table-scroll" });
    table.replaceWith(box);
    box.append(table);
  }
  for (const box of document.querySelectorAll(SCROLL_BOXES)) {
    if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  }
}
let enhancing = 0;  // one pass per frame, however many rows a render adds
const enhanceSoon = () => { if (!enhancing) enhancing = requestAnimationFrame(() => { enhancing = 0; enhance(); }); };
new MutationObserver(enhanceSoon).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden", "open"] });
window.addEventListener("resize", enhanceSoon);
enhance();
document.addEventListener("keydown", (event) => {
  const row = event.target;
  if (event.key !== "Enter" || !(row instanceof HTMLTableRowElement) || !row.classList.contains("clickable")) return;
  event.preventDefault();
  row.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
});

// --- Airflow's colour mode and language while the page is open ------------------------------------------------
// AirflowLook (in <head>) applied both at load. Airflow writes its choices to localStorage (a "storage" event
// here) and shows the colour mode as a class on its <html> (observed when the page runs inside Airflow's frame).
window.addEventListener("storage", (event) => {
  if (event.key === "theme" || event.key === null) AirflowLook.applyColorMode();
  if (event.key === "i18nextLng" || event.key === null) AirflowLook.followLanguage();
});
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", AirflowLook.applyColorMode);
try {
  if (window.parent !== window) {
    new MutationObserver(AirflowLook.applyColorMode).observe(window.parent.document.documentElement, { attributes: true, attributeFilter: ["class"] });
  }
} catch (error) { /* not inside a page of the same origin */ }

// The user's language (a preference of the account, not only of this browser): saved, then the page is
// rendered again in it.
document.getElementById("idioma")?.addEventListener("change", async (event) => {
  const language = event.target.value || null;
  const saved = await api("PUT", "/me/preferences", { language });
  if (saved.ok) location.reload();
  else flash(saved.data.message, "error");
});

// Dates as readers of each language expect them: dd/mm/aaaa in pt-BR, yyyy-mm-dd in English (never the
// ambiguous mm/dd). `iso` is a timestamp, or a calendar day ("2026-11-28", shown as that day in any timezone).
function formatDate(iso, withTime) {
  const date = iso.length === 10 ? new Date(iso + "T12:00:00") : new Date(iso);
  const pad = (number) => String(number).padStart(2, "0");
  const [year, month, day] = [date.getFullYear(), pad(date.getMonth() + 1), pad(date.getDate())];
  const shown = PAGE.lang === "en" ? `${year}-${month}-${day}` : `${day}/${month}/${year}`;
  return withTime ? `${shown} ${pad(date.getHours())}:${pad(date.getMinutes())}` : shown;
}

// --- date fields in the page's language -------------------------------------------------------------------------
// A native date field shows the browser's format (mm/dd/yyyy in an English Chromium) whatever the page's language.
// Each becomes a text field in the page's format, as formatDate shows dates, with a button that opens the
// browser's own calendar. Its `value` still reads and takes ISO ("2026-12-01", "2026-12" for a month), so the
// scripts and the API see what they saw before; typed ISO is understood too. A text that is no date is left as
// typed: the field says so on leaving it, and the server answers it like any other bad value.
const DATE_KINDS = {
  date: { iso: /^\d{4}-\d{2}-\d{2}$/, local: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, digits: [2, 2, 4], placeholder: "ui.date_placeholder" },
  month: { iso: /^\d{4}-\d{2}$/, local: /^(\d{1,2})\/(\d{4})$/, digits: [2, 4], placeholder: "ui.month_placeholder" },
};
const VALUE = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");

function isoFromLocal(text, kind) {
  const spec = DATE_KINDS[kind];
  const trimmed = text.trim();
  if (spec.iso.test(trimmed)) return isRealDate(trimmed) ? trimmed : null;
  const found = PAGE.lang === "en" ? null : spec.local.exec(trimmed);
  if (!found) return null;
  const parts = found.slice(1).reverse().map((part, index) => index ? part.padStart(2, "0") : part);
  const iso = parts.join("-");
  return isRealDate(iso) ? iso : null;
}
function isRealDate(iso) {
  const [year, month, day = 1] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
function localFromIso(iso) {
  return PAGE.lang === "en" || !iso ? iso : iso.split("-").reverse().join("/");
}

function localDateField(input) {
  const kind = input.type;
  const spec = DATE_KINDS[kind];
  const initial = input.value;
  const limits = { min: input.getAttribute("min"), max: input.getAttribute("max") };
  input.removeAttribute("min");
  input.removeAttribute("max");
  input.type = "text";
  input.inputMode = "numeric";
  input.autocomplete = "off";
  input.placeholder = t(spec.placeholder);
  input.maxLength = 10;
  input.classList.add("date-text");
  Object.defineProperty(input, "value", {
    configurable: true,
    get() { const text = VALUE.get.call(this); return isoFromLocal(text, kind) || text.trim(); },
    set(iso) { VALUE.set.call(this, spec.iso.test(iso || "") ? localFromIso(iso) : (iso || "")); this.setCustomValidity(""); },
  });
  input.value = initial;
  // Typing digits only: the slashes come by themselves (at the end of the text, where the caret is).
  input.addEventListener("input", (event) => {
    const text = VALUE.get.call(input);
    if (PAGE.lang === "en" || !event.inputType?.startsWith("insert") || /[-]/.test(text)) return;
    if (input.selectionStart !== text.length) return;
    const digits = text.replace(/\D/g, "").slice(0, spec.digits.reduce((a, b) => a + b));
    const groups = [];
    let at = 0;
    for (const size of spec.digits) {
      if (at >= digits.length) break;
      groups.push(digits.slice(at, at + size));
      at += size;
    }
    let masked = groups.join("/");
    const full = groups.length < spec.digits.length && groups.at(-1)?.length === spec.digits[groups.length - 1];
    if (full && event.inputType === "insertText") masked += "/";
    VALUE.set.call(input, masked);
  });
  input.addEventListener("change", () => {
    const text = VALUE.get.call(input).trim();
    const iso = isoFromLocal(text, kind);
    if (iso) input.value = iso;  // shown the page's way, whichever way it was typed
    input.setCustomValidity(text && !iso ? t("ui.date_invalid", { format: t(spec.placeholder) }) : "");
  });
  const picker = el("input", { type: kind, class: "date-picker-input", tabindex: "-1", "aria-hidden": "true" });
  picker.addEventListener("change", () => {
    input.value = picker.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  const button = el("button", { type: "button", class: "date-pick", title: t("ui.date_pick"), "aria-label": t("ui.date_pick"),
    onclick: () => {
      if (input.disabled || input.readOnly) return;
      picker.min = limits.min || "";
      picker.max = limits.max || "";
      picker.value = isoFromLocal(VALUE.get.call(input), kind) || "";
      try { picker.showPicker(); } catch (error) { input.focus(); }
    } }, icon(CALENDAR));
  const box = el("span", { class: "date-field" });
  input.replaceWith(box);
  box.append(input, button, picker);
}


for (const input of document.querySelectorAll("input[type=date], input[type=month]")) localDateField(input);
