"use strict";
// Shared helpers of the Integrações pages: page data, messages, API calls, DOM building, flash messages.
const PAGE = JSON.parse(document.getElementById("page-data").textContent);

function t(key, params) {
  let text = PAGE.messages[key] || key;
  for (const [name, value] of Object.entries(params || {})) text = text.replaceAll("{" + name + "}", String(value));
  return text;
}

async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { "Accept": "application/json", "Accept-Language": PAGE.lang } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(PAGE.api + path, options);
  } catch (error) {
    return { ok: false, status: 0, data: { message: t("ui.load_error") } };
  }
  let data = null;
  try { data = await response.json(); } catch (error) { data = { message: t("ui.load_error") }; }
  return { ok: response.ok, status: response.status, data };
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

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// Action menus ("Ações"): one open at a time, closed by a click elsewhere or Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll(".menu-list")) {
    if (!menu.parentElement.contains(event.target)) menu.hidden = true;
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") for (const menu of document.querySelectorAll(".menu-list")) menu.hidden = true;
});

function actionMenu(label, items) {
  const list = el("div", { class: "menu-list", role: "menu", hidden: true },
    items.map((item) => el("a", { href: item.href || "#", role: "menuitem", onclick: item.onclick && ((event) => {
      event.preventDefault();
      list.hidden = true;
      item.onclick();
    }) }, item.label)));
  const button = el("button", { type: "button", "aria-haspopup": "menu", onclick: (event) => {
    event.stopPropagation();
    const wasHidden = list.hidden;
    for (const menu of document.querySelectorAll(".menu-list")) menu.hidden = true;
    list.hidden = !wasHidden;
  } }, label, " ▾");
  return el("div", { class: "menu" }, button, list);
}

// A short notice in the top right corner that goes away by itself.
function toast(text, kind) {
  const note = el("div", { class: "toast" + (kind === "error" ? " error" : ""), role: kind === "error" ? "alert" : "status" }, text);
  document.body.append(note);
  setTimeout(() => note.remove(), 6000);
}
