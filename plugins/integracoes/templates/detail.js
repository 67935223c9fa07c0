"use strict";
// Tarefas and Logs da integração tabs of an existing integration, and the Arquivos gerados dialog.
(() => {
  const $ = (id) => document.getElementById(id);
  const integrationId = PAGE.integration.id;
  const statusClass = { pending: "pend", sent: "sent", completed: "on", failed: "fail" };

  // --- Tarefas ---
  const tasks = { page: 1, pages: 1, search: "", ticket: 0, shown: "", pollTimer: null };
  // While a task shown is still under way, the list follows it by itself (then stops: nothing left to change).
  const POLL_MS = 4000;
  const underWay = (items) => items.some((task) => task.status === "pending" || task.status === "sent");

  // Tasks per day by status over 30 days: stacked bars in plain SVG (no library, no network).
  const CHART_ORDER = ["completed", "sent", "pending", "failed"];
  async function loadChart() {
    const result = await api("GET", `/integrations/${integrationId}/task-stats?days=30`);
    if (!result.ok) return;
    const svg = $("task-chart"), ns = "http://www.w3.org/2000/svg";
    const days = result.data, width = 600 / days.length, height = 110;
    const peak = Math.max(1, ...days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0)));
    for (const bar of [...svg.querySelectorAll("rect")]) bar.remove();
    let total = 0;
    days.forEach((d, index) => {
      let top = height + 5;
      for (const status of CHART_ORDER) {
        const count = d.counts[status] || 0;
        if (!count) continue;
        total += count;
        const barHeight = (count / peak) * height;
        top -= barHeight;
        const rect = document.createElementNS(ns, "rect");
        for (const [name, value] of Object.entries({ x: index * width + 1, y: top, width: Math.max(1, width - 2),
                                                       height: barHeight, class: "bar " + status })) rect.setAttribute(name, value);
        const tip = document.createElementNS(ns, "title");
        tip.textContent = `${formatDate(d.day)} · ${t("task.status." + status)}: ${count}`;
        rect.append(tip);
        svg.append(rect);
      }
    });
    $("task-chart-desc").textContent = `${t("ui.chart_title")}: ${total}`;
    // The axis: the first and last day, and what the tallest bar stands for.
    $("chart-from").textContent = days.length ? formatDate(days[0].day) : "";
    $("chart-to").textContent = days.length ? formatDate(days[days.length - 1].day) : "";
    $("chart-peak").textContent = t("ui.chart_peak", { count: peak });
  }

  // What the partner holds of each day delivered (daily types): complete, corrected, or short of N records.
  const completenessClass = { completo: "on", corrigido: "correction", faltando: "fail" };
  async function loadCompleteness() {
    const result = await api("GET", `/integrations/${integrationId}/completeness`);
    if (!result.ok) return;
    const days = result.data, box = $("completeness-box");
    box.hidden = !days.length;
    if (!days.length) return;
    const count = (state) => days.filter((d) => d.state === state).length;
    const short = count("faltando");
    $("completeness-summary").replaceChildren(
      el("span", { class: "badge " + (short ? "fail" : "on") }, short ? t("ui.completeness_short", { count: short })
                                                                        : t("ui.completeness_all")),
      " ", t("ui.completeness_summary", { days: days.length, complete: count("completo"), corrected: count("corrigido") }));
    box.open = box.open || short > 0;
    document.querySelector("#completeness tbody").replaceChildren(...days.map((d) => el("tr", { dataset: { day: d.day, state: d.state } },
      el("td", {}, formatDate(d.day)),
      el("td", { class: "num" }, d.rows_sent),
      el("td", {}, el("span", { class: "badge " + completenessClass[d.state] }, d.label),
        d.state === "faltando" ? el("span", { class: "hint" }, " ", t(d.correcting ? "ui.completeness_correcting" : "ui.completeness_nobody")) : null),
      el("td", { class: "num" }, d.task_code))));
  }

  // Airflow's pages open in the top window: ours live in Airflow's sandboxed iframe, which may not navigate the
  // top itself, so the link is followed from the top document (same origin). Modified clicks keep their meaning.
  function openInTop(event) {
    if (window.top === window || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    try {
      const link = window.top.document.createElement("a");
      link.href = event.currentTarget.href;
      window.top.document.body.append(link);
      event.preventDefault();
      link.click();
      link.remove();
    } catch (error) { /* another origin above us: the link's own target applies */ }
  }
  function airflowLinks(task) {
    const run = task.airflow_run;  // only agents get it
    if (!run) return null;
    const link = (href, kind, text, label) => el("a", { href, target: "_top", class: "airflow-link", title: label,
      "aria-label": label, dataset: { airflow: kind }, onclick: openInTop }, text);
    return el("span", { class: "airflow-links" }, " ",
      link(run.url, "run", t("ui.airflow_run"), t("ui.airflow_run_label", { code: task.code })),
      run.log_url ? [" · ", link(run.log_url, "log", t("ui.airflow_log"),
        t("ui.airflow_log_label", { code: task.code, step: run.log_task_id }))] : null);
  }

  function taskRow(task) {
    const items = [{ label: t("ui.files_generated"), onclick: () => openFiles(task) }];
    // Only a failed task can be reprocessed: a pending or delivered one has nothing to redo.
    if (PAGE.can_reprocess && task.status === "failed") items.push({ label: t("ui.reprocess"), onclick: () => reprocess(task) });
    return el("tr", { dataset: { code: task.code, status: task.status } },
      el("td", { class: "num" }, task.code),
      el("td", {}, formatDate(task.created_at, true)),
      el("td", {}, formatDate(task.data_inicial)),
      el("td", {}, formatDate(task.data_final)),
      el("td", {}, task.requested_by, task.kind === "correcao"
        ? el("span", { class: "badge correction", title: t("ui.correction_hint") }, t("ui.correction")) : null),
      el("td", {}, el("span", { class: "badge " + statusClass[task.status] }, task.status_label)),
      el("td", {}, task.failure_reason || ""),
      el("td", {}, actionMenu(t("ui.col_actions"), items), airflowLinks(task)));
  }

  // `quiet`: a refresh of the list nobody asked for (polling): it never blinks, never steals an open menu or the
  // focus, and keeps its errors to itself (the next poll tries again).
  async function loadTasks(quiet) {
    clearTimeout(tasks.pollTimer);
    const ticket = ++tasks.ticket;
    const query = new URLSearchParams({ search: tasks.search, page: tasks.page, page_size: 25 });
    const result = await api("GET", `/integrations/${integrationId}/tasks?${query}`, undefined, { quiet });
    if (ticket !== tasks.ticket) return;
    if (!result.ok) {
      if (quiet) tasks.pollTimer = setTimeout(() => loadTasks(true), POLL_MS);
      else flash(result.data.message, "error");
      return;
    }
    const body = document.querySelector("#tasks tbody");
    const signature = JSON.stringify(result.data);
    const menuOpen = body.querySelector(".menu-list:not([hidden])");
    const unchanged = signature === tasks.shown;
    // A poll never redraws over an open menu; nor does a search or refresh that found the very same list (a
    // menu opened meanwhile stays open under the pointer).
    if ((quiet && (unchanged || menuOpen)) || (unchanged && menuOpen)) {
      if (menuOpen || underWay(result.data.items)) tasks.pollTimer = setTimeout(() => loadTasks(true), POLL_MS);
      return;
    }
    if (!quiet || !unchanged) { loadChart(); loadCompleteness(); }
    tasks.shown = signature;
    tasks.pages = result.data.pages;
    const focused = body.contains(document.activeElement) ? document.activeElement : null;
    const rows = result.data.items.map(taskRow);
    if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 8, class: "empty" }, t("ui.no_tasks"))));
    body.replaceChildren(...rows);
    if (focused) {  // the same control of the same task keeps the focus across the refresh
      const control = focused.dataset.airflow ? `[data-airflow="${focused.dataset.airflow}"]` : "button[aria-haspopup=menu]";
      body.querySelector(`tr[data-code="${focused.closest("tr").dataset.code}"] ${control}`)?.focus();
    }
    if (underWay(result.data.items)) tasks.pollTimer = setTimeout(() => loadTasks(true), POLL_MS);
    $("task-total").textContent = t("ui.tasks_total", { total: result.data.total });
    $("task-page").textContent = t("ui.page_of", { page: result.data.page, pages: result.data.pages });
    $("task-prev").disabled = result.data.page <= 1;
    $("task-next").disabled = result.data.page >= result.data.pages;
  }
  async function reprocess(task) {
    const result = await api("POST", `/tasks/${task.id}/reprocess`);
    if (result.status === 409) {  // a request for the period is pending (the message names it): wait, nothing failed
      toast(result.data.message, "info");
      return;
    }
    toast(result.data.message || t("ui.load_error"), result.ok ? "ok" : "error");
    if (result.ok) loadTasks();
  }
  document.addEventListener("tasks-changed", () => { if (tasksLoaded) loadTasks(); });

  $("task-search").addEventListener("input", debounce((event) => { tasks.search = event.target.value; tasks.page = 1; loadTasks(); }, 200));
  $("task-refresh").addEventListener("click", () => loadTasks());
  $("task-prev").addEventListener("click", () => { if (tasks.page > 1) { tasks.page--; loadTasks(); } });
  $("task-next").addEventListener("click", () => { if (tasks.page < tasks.pages) { tasks.page++; loadTasks(); } });

  // --- Arquivos gerados ---
  let files = [];
  const fileFilters = {};  // column → the Set of values shown (absent: every value)
  const fileCells = (file) => ({ name: file.name, status_label: file.status_label, failure_reason: file.failure_reason || "" });
  const filterBoxes = [...document.querySelectorAll("#files [data-column-filter]")].map((slot) => {
    const column = slot.dataset.columnFilter;
    const box = columnFilter(slot.dataset.label, {
      values: () => files.map((file) => fileCells(file)[column]),
      get chosen() { return fileFilters[column] || null; },
      apply: (chosen) => { fileFilters[column] = chosen; renderFiles(); },
    });
    slot.replaceWith(box);
    return box;
  });
  function renderFiles() {
    const search = $("file-search").value.trim().toLowerCase();
    const body = document.querySelector("#files tbody");
    body.replaceChildren();
    const shown = files.filter((file) => {
      const cells = fileCells(file);
      return (!search || Object.values(cells).some((value) => value.toLowerCase().includes(search)))
        && Object.entries(fileFilters).every(([column, chosen]) => !chosen || chosen.has(cells[column]));
    });
    // Files that a filter hides are not "no files": say which of the two it is.
    if (!shown.length) body.append(el("tr", {}, el("td", { colspan: 5, class: "empty" }, t(files.length ? "ui.no_files_match" : "ui.no_files"))));
    for (const file of shown) {
      body.append(el("tr", {},
        el("td", {}, file.name, file.direction === "received"
          ? el("span", { class: "badge received", title: file.direction_label }, file.direction_label) : ""),
        el("td", {}, formatDate(file.created_at, true)),
        el("td", {}, el("span", { class: "badge " + statusClass[file.status] }, file.status_label)),
        el("td", {}, file.failure_reason || ""),
        el("td", {}, file.expired  // kept past the retention period: the row stays, the bytes are gone
          ? el("span", { class: "muted" }, t("ui.file_expired"))
          : actionMenu(t("ui.col_actions"), [{ label: t("ui.download"), href: `${PAGE.api}/files/${file.id}/download` }]))));
    }
  }
  async function openFiles(task) {
    const result = await api("GET", `/tasks/${task.id}/files`);
    if (!result.ok) { flash(result.data.message, "error"); return; }
    files = result.data;
    for (const column of Object.keys(fileFilters)) delete fileFilters[column];  // another task: its own values
    for (const box of filterBoxes) box.sync();
    $("file-search").value = "";
    $("files-title").textContent = t("ui.files_for_task", { code: task.code });
    renderFiles();
    $("files-dialog").showModal();
  }
  $("file-search").addEventListener("input", renderFiles);
  $("files-close").addEventListener("click", () => $("files-dialog").close());

  // --- Logs da integração (live) ---
  let stream = null;
  function appendLine(line) {
    const list = $("log-lines");
    list.querySelector(".empty")?.remove();
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    list.append(el("li", { class: line.level, dataset: { cursor: line.cursor } },
      el("span", { class: "ts" }, formatDate(line.ts, true)),
      line.task_code ? el("span", { class: "code" }, `#${line.task_code}`) : null,
      line.message));
    if (atBottom) list.scrollTop = list.scrollHeight;
  }
  function startLogs() {
    if (stream) return;
    $("log-lines").replaceChildren(el("li", { class: "empty hint" }, t("ui.no_logs")));
    stream = new EventSource(`${PAGE.api}/integrations/${integrationId}/logs/stream`);
    stream.addEventListener("log", (event) => appendLine(JSON.parse(event.data)));
    stream.addEventListener("open", () => { $("log-live").textContent = t("ui.live"); $("log-live").className = "badge on"; });
    stream.addEventListener("error", () => { $("log-live").textContent = t("ui.reconnecting"); $("log-live").className = "badge pend"; });
    // The server ended the stream for good (session expired, access removed): stop reconnecting, say why.
    stream.addEventListener("encerrado", (event) => {
      stream.close();
      $("log-live").textContent = t("ui.log_ended");
      $("log-live").className = "badge off";
      flash(JSON.parse(event.data).message, "error");
    });
  }

  let tasksLoaded = false;
  document.addEventListener("tabshown", (event) => {
    if (event.detail === "tab-tasks") {
      // Back on the tab: the list catches up quietly (the page and search stay as they were).
      loadTasks(tasksLoaded);
      tasksLoaded = true;
    }
    if (event.detail === "tab-logs") startLogs();
  });
})();
