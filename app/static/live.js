// Live updates of a comment table: others' changes arrive over Server-Sent Events (app/live.py is the server side).
// The page marks the table with data-live-url (the event stream) and data-presence-url (where "I am editing row N"
// is posted). Row events carry JSON {row_id, action, version, html_url, after_row_id}; presence events
// {viewers: [{name, row_id}]}. A row being edited here is never replaced: it is marked stale instead.
"use strict";

(() => {
  const host = document.querySelector("[data-live-url]");
  if (!host || !("EventSource" in window)) return;

  const BUSY_FORMS = "form:is([data-state=dirty],[data-state=saving],[data-state=failed])";
  // One id per page load: the stream and the presence posts name the same viewer with it.
  const connectionId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  const rowOf = (id) => document.getElementById(`row-${id}`);
  let viewers = [];
  let lastEventId = "";
  let queue = Promise.resolve(); // row events are applied one at a time, in order

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch {
      return "";
    }
  }

  // Someone is typing in this row here: its textarea has focus, or a form has unsaved or failing text.
  function busy(row) {
    const active = document.activeElement;
    return (active instanceof HTMLTextAreaElement && row.contains(active)) || row.querySelector(BUSY_FORMS) !== null;
  }

  // The version this page shows: data-version on the row, or a hidden version field in its forms.
  function rowVersion(row) {
    const values = [row.dataset.version, ...Array.from(row.querySelectorAll("input[name=version]"), (i) => i.value)];
    return Math.max(-1, ...values.filter((v) => v !== undefined && v !== "").map(Number).filter(Number.isFinite));
  }

  function markStale(row, data, text) {
    row.dataset.stale = "true";
    if (data.html_url) row.dataset.staleUrl = data.html_url;
    const versions = new Set((row.dataset.staleVersions || "").split(" ").filter(Boolean));
    if (data.version != null) versions.add(String(data.version));
    row.dataset.staleVersions = [...versions].join(" ");
    let notice = row.querySelector(".live-stale-notice");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "live-stale-notice";
      notice.setAttribute("role", "status");
      const editing = row.querySelector(BUSY_FORMS) || (row.contains(document.activeElement) && document.activeElement);
      ((editing && editing.closest("td")) || row.cells[0] || row).append(notice);
    }
    notice.textContent = text;
  }

  function clearStale(row) {
    for (const key of ["stale", "staleUrl", "staleVersions"]) delete row.dataset[key];
    row.querySelectorAll(".live-stale-notice").forEach((n) => n.remove());
  }

  // This page's "Row … deleted. Undo" notice, in the row's place. Not known by its class: while htmx settles a
  // swap, the new element wears the old one's classes for a moment.
  const isUndoNotice = (row) => row.hasAttribute("data-undo");

  function parseRow(id, html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.getElementById(`row-${id}`) || undefined;
  }

  // The row's current HTML: an element, null if the row is gone (404/410), undefined if it could not be had.
  async function loadRow(id, url) {
    try {
      const response = await fetch(url, { headers: { "HX-Request": "true" } });
      if (response.status === 404 || response.status === 410) return null;
      if (!response.ok) return undefined;
      return parseRow(id, await response.text());
    } catch {
      return undefined; // offline for a moment: a later event or a reload brings the row
    }
  }

  // A replaced row keeps what its fields said ("Saved"): the new copy holds the same saved text.
  function keepSaveStates(old, fresh) {
    for (const form of old.querySelectorAll("form[data-autosave][data-state]")) {
      const field = form.querySelector("input[name=field]");
      const twin = field && fresh.querySelector(`form[data-autosave] input[name=field][value="${field.value}"]`);
      const label = twin && twin.form.querySelector("[data-save-state]");
      if (!label) continue;
      twin.form.dataset.state = form.dataset.state;
      label.textContent = form.querySelector("[data-save-state]").textContent;
    }
  }

  function place(fresh, old, afterId) {
    const rows = document.getElementById("rows");
    const anchor = afterId == null ? null : rowOf(afterId);
    if (old) {
      keepSaveStates(old, fresh);
      old.replaceWith(fresh);
    }
    else if (anchor) anchor.after(fresh);
    else if (rows) rows.append(fresh);
    else return;
    if (window.htmx) window.htmx.process(fresh);
    renderBadges();
  }

  function move(row, afterId) {
    const rows = document.getElementById("rows");
    const anchor = afterId == null ? null : rowOf(afterId);
    if (!rows || (afterId != null && !anchor) || anchor === row) return; // its new neighbour is not on this page
    const focused = row.contains(document.activeElement) ? document.activeElement : null;
    if (anchor) {
      if (anchor.nextElementSibling !== row) anchor.after(row);
    } else if (rows.firstElementChild !== row) {
      rows.prepend(row);
    }
    if (focused && document.activeElement !== focused) focused.focus({ preventScroll: true });
  }

  async function onRow(data) {
    if (data.superseded) return; // a later event in the same batch carries this row as it is now
    const id = data.row_id;
    const row = rowOf(id);
    const content = data.action === "updated" || data.action === "restored";
    if (content && row && data.version != null && rowVersion(row) >= data.version) return; // shown already: often ours
    if (data.action === "moved") {
      if (row) move(row, data.after_row_id);
      return;
    }
    if (data.action === "deleted") {
      if (!row || isUndoNotice(row)) return; // our own deletion keeps its Undo
      if (row.dataset.deleting) { // our own deletion, announced before its Undo notice is in place
        row.dataset.deletedElsewhere = "true"; // app.js removes the row should our request fail
        return;
      }
      if (busy(row)) markStale(row, data, "Deleted by someone else — your edit will be checked when you save");
      else row.remove();
      return;
    }
    if (data.action === "added" && row) return; // added here: this page has it already
    if (data.action === "updated" && !row) return; // not shown on this page (a filter)
    if (row && busy(row)) {
      markStale(row, data, "Changed by someone else — your edit will be checked when you save");
      return;
    }
    // The event carries the changed row (rendered once by the server for everyone); else fetch it.
    const fresh = data.html ? parseRow(id, data.html) : await loadRow(id, data.html_url);
    const current = rowOf(id); // the page may have changed while the row loaded
    if (fresh === undefined) return;
    // Placed meanwhile by this page itself (the row we just added, say), at this version or later: nothing to do.
    if (current && data.version != null && rowVersion(current) >= data.version) return;
    if (current && busy(current)) markStale(current, data, "Changed by someone else — your edit will be checked when you save");
    else if (fresh === null) {
      if (current && !isUndoNotice(current) && !current.dataset.deleting) current.remove();
    } else place(fresh, current, data.after_row_id);
  }

  // A stale row that is no longer being edited (saved, or left alone) gets the current version.
  async function settle(row) {
    if (!row.isConnected || !row.dataset.stale || busy(row) || !row.dataset.staleUrl) return;
    const id = row.id.slice("row-".length);
    const fresh = await loadRow(id, row.dataset.staleUrl);
    if (!row.isConnected || busy(row) || fresh === undefined) return;
    if (fresh === null) row.remove();
    else place(fresh, row, null);
  }

  // Optional, from a save response (HX-Trigger: {"rowSaved": {"id": 12, "version": 8}}): the row shows version 8
  // now, and an event about version 8 was our own save, not a reason to call the row stale.
  document.addEventListener("rowSaved", (event) => {
    const row = rowOf(event.detail.id);
    if (!row) return;
    const version = String(event.detail.version);
    row.dataset.version = version;
    const others = (row.dataset.staleVersions || "").split(" ").filter((v) => v && v !== version);
    if (row.dataset.stale) row.dataset.staleVersions = others.join(" ");
    if (row.dataset.stale && others.length === 0) clearStale(row);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const row = event.detail.elt instanceof Element && event.detail.elt.closest("tr[data-stale]");
    if (row) setTimeout(() => settle(row), 0);
  });

  // --- Presence: who else is here, and which row they are editing -------------------------------------------

  function renderBadges() {
    document.querySelectorAll(".presence-badge").forEach((b) => b.remove());
    for (const viewer of viewers) {
      const slot = Number.isInteger(viewer.row_id) && document.querySelector(`#row-${viewer.row_id} .presence-slot`);
      if (!slot) continue;
      const badge = document.createElement("span");
      badge.className = "presence-badge";
      badge.textContent = `${viewer.name} is editing`;
      slot.append(badge);
    }
  }

  function renderPresence() {
    const box = document.getElementById("presence");
    if (box) {
      const list = box.matches("ul, ol") ? box : box.querySelector("ul") || box.appendChild(document.createElement("ul"));
      list.replaceChildren(...viewers.map((viewer) => {
        const item = document.createElement("li");
        item.textContent = viewer.row_id == null ? viewer.name : `${viewer.name} (editing)`;
        return item;
      }));
      box.hidden = viewers.length === 0;
    }
    renderBadges();
  }

  const presenceUrl = host.dataset.presenceUrl;
  let editing = ""; // the row id whose textarea has focus here, or ""
  let sent = null;
  let timer = 0;

  function sendPresence() {
    if (!presenceUrl) return;
    sent = editing;
    fetch(presenceUrl, {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken() },
      body: new URLSearchParams({ row_id: editing, connection: connectionId }),
    }).catch(() => {}); // best effort: the next heartbeat repeats it
  }

  // Moving from one textarea to another blurs and focuses at once: send only where focus came to rest.
  function presenceSoon(rowId) {
    editing = rowId;
    clearTimeout(timer);
    timer = setTimeout(() => { if (editing !== sent) sendPresence(); }, 150);
  }

  const editedRow = (target) => target instanceof HTMLTextAreaElement && target.closest("#rows > tr[id^='row-']");
  document.addEventListener("focusin", (event) => {
    const row = editedRow(event.target);
    if (row) presenceSoon(row.id.slice("row-".length));
  });
  document.addEventListener("focusout", (event) => {
    if (editedRow(event.target)) presenceSoon("");
    const stale = event.target instanceof Element && event.target.closest("tr[data-stale]");
    if (stale) setTimeout(() => settle(stale), 0);
  });
  setInterval(sendPresence, 25000); // the server forgets viewers it has not heard from for a while

  // --- The stream --------------------------------------------------------------------------------------------

  function connect() {
    const url = new URL(host.dataset.liveUrl, window.location.href);
    url.searchParams.set("connection", connectionId);
    if (lastEventId) url.searchParams.set("after", lastEventId); // a new EventSource sends no Last-Event-ID
    const source = new EventSource(url);
    source.addEventListener("open", () => { host.dataset.liveState = "open"; });
    source.addEventListener("row", (event) => {
      if (event.lastEventId) lastEventId = event.lastEventId;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      queue = queue.then(() => onRow(data)).catch(() => {}).then(() => {
        if (data.action !== "moved") document.dispatchEvent(new CustomEvent("rowsChanged", { detail: data }));
      });
    });
    source.addEventListener("presence", (event) => {
      try {
        viewers = JSON.parse(event.data).viewers || [];
      } catch {
        viewers = [];
      }
      renderPresence();
    });
    // The browser reconnects by itself after a network error; after a refused connection (an HTTP error) it
    // gives up, so try again later, from the last event seen.
    source.addEventListener("error", () => {
      host.dataset.liveState = source.readyState === EventSource.CLOSED ? "closed" : "connecting";
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 10000);
    });
  }

  connect();
})();
