// The few lines of behaviour htmx does not give us. Loaded as a file: the CSP forbids inline scripts.
"use strict";

// "Split here": turn the cursor in the read-only text into a character offset. The server counts
// code points, JavaScript counts UTF-16 units, so count with the string iterator.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-split-form")) return;
  const source = form.querySelector("[data-split-source]");
  const offset = form.querySelector("[data-split-offset]");
  const typed = form.querySelector("input[name=before_text]");
  if (!source || !offset) return;
  const cursor = source.selectionStart || 0;
  offset.value = cursor > 0 && !(typed && typed.value.trim()) ? String([...source.value.slice(0, cursor)].length) : "";
}, true);

// Actions that cannot be undone from the page ask first: a button or form with data-confirm="question".
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// A new request clears the message of the last failed one.
document.addEventListener("htmx:beforeRequest", () => {
  const messages = document.getElementById("messages");
  if (messages) messages.replaceChildren();
});

// The text to split is for placing the cursor only: arrow keys must work (they do not in a readonly
// textarea in Chromium), typing must not.
document.addEventListener("beforeinput", (event) => {
  if (event.target instanceof HTMLTextAreaElement && event.target.hasAttribute("data-split-source")) {
    event.preventDefault();
  }
});

document.documentElement.classList.add("js");

// --- Underlining: turn the mouse (or keyboard) selection in a row's quoted text into offsets -----------
// The quoted text is rendered with white-space: pre-wrap, so the DOM text equals the stored text and a
// Range's toString() counts exactly the characters the server counts (code points, via the iterator).

const codePoints = (text) => [...text].length;
let lastSelection = null; // {quoted, start, end, exact}: kept because clicking a button may clear it

function selectionIn(quoted) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0).cloneRange();
  if (!range.intersectsNode(quoted)) return null;
  const whole = document.createRange();
  whole.selectNodeContents(quoted);
  if (range.compareBoundaryPoints(Range.START_TO_START, whole) < 0) range.setStart(whole.startContainer, whole.startOffset);
  if (range.compareBoundaryPoints(Range.END_TO_END, whole) > 0) range.setEnd(whole.endContainer, whole.endOffset);
  const before = document.createRange();
  before.setStart(whole.startContainer, whole.startOffset);
  before.setEnd(range.startContainer, range.startOffset);
  const exact = range.toString();
  if (!exact) return null;
  const start = codePoints(before.toString());
  return { quoted, start, end: start + codePoints(exact), exact };
}

document.addEventListener("selectionchange", () => {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
  const node = selection.getRangeAt(0).commonAncestorContainer;
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const quoted = element && element.closest("[data-quoted]");
  const found = quoted && selectionIn(quoted);
  if (found) lastSelection = found;
});

function showMessage(text) {
  const messages = document.getElementById("messages");
  if (!messages) return;
  const p = document.createElement("p");
  p.className = "error-message";
  p.textContent = text;
  messages.replaceChildren(p);
}

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-underline-url]");
  if (!button) return;
  const row = button.closest("tr, .quote-host") || document;
  const quoted = row.querySelector("[data-quoted]");
  const found = quoted && (selectionIn(quoted) || (lastSelection && lastSelection.quoted === quoted ? lastSelection : null));
  if (!found) {
    showMessage("Select words in the provision's text first, then press “Underline selected words”.");
    return;
  }
  lastSelection = null;
  const target = quoted.closest(".quote");
  window.htmx.ajax("POST", button.dataset.underlineUrl, {
    source: button, target: `#${target.id}`, swap: "outerHTML",
    values: { start: String(found.start), end: String(found.end), exact: found.exact },
  });
});

// Underlines are buttons: a plain click, Enter or Space removes one ("remove-underline" is the htmx trigger of
// each <u>). Pressing, dragging and releasing across an underline selects its words instead (to underline more),
// and so does a double click: a click removes only when the pointer stayed put and no text is selected.
const readOnly = () => document.querySelector("[data-readonly]") !== null;
let pressedAt = null; // where the pointer went down
let pendingRemoval = 0;

function removeUnderline(underline) {
  if (readOnly() || !underline.isConnected) return;
  window.htmx.process(underline); // a no-op once htmx has wired it (it does so as a swap settles)
  window.htmx.trigger(underline, "remove-underline");
}

document.addEventListener("pointerdown", (event) => {
  pressedAt = { x: event.clientX, y: event.clientY };
  clearTimeout(pendingRemoval); // the second press of a double click
}, true);

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement) || target.tagName !== "U" || target.getAttribute("role") !== "button") return;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    removeUnderline(target);
  }
});

document.addEventListener("click", (event) => {
  const underline = event.target instanceof Element && event.target.closest("[data-quoted] u[role=button]");
  if (!underline) return;
  clearTimeout(pendingRemoval);
  if (event.detail === 0) { // a click made by the keyboard or by assistive technology
    removeUnderline(underline);
    return;
  }
  const moved = pressedAt !== null && Math.hypot(event.clientX - pressedAt.x, event.clientY - pressedAt.y) > 4;
  const selection = window.getSelection();
  const selected = selection !== null && !selection.isCollapsed && selection.toString().trim() !== "";
  if (event.detail > 1 || moved || selected) return;
  // Wait a moment: a second click makes it a double click, which selects a word.
  pendingRemoval = setTimeout(() => {
    const now = window.getSelection();
    if (!now || now.isCollapsed) removeUnderline(underline);
  }, 300);
});

// --- Saving comment and recommendation: saving / saved / failed — retry; nothing typed is lost --------

function setSaveState(form, state, text) {
  form.dataset.state = state;
  const label = form.querySelector("[data-save-state]");
  if (!label) return;
  label.textContent = text;
  const retry = form.querySelector("[data-retry]");
  if (state === "failed" && !retry) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.dataset.retry = "";
    button.textContent = "Retry";
    button.addEventListener("click", () => saveAgain(form));
    label.after(button);
  } else if (state !== "failed" && retry) {
    retry.remove();
  }
}

document.addEventListener("input", (event) => {
  const form = event.target instanceof Element && event.target.closest("form[data-autosave]");
  if (form) setSaveState(form, "dirty", "Unsaved changes");
});

// What this browser last saved in a field, or else the text it received with the page (the textarea's default).
// A field whose text equals it is not sent again: leaving a field ("change") after a colleague saved it must not
// send our old text on our old version (a 409 for nothing). "Keep mine" and Retry send regardless.
const savedTexts = new WeakMap();
const lastSaved = (form, textarea) => (savedTexts.has(form) ? savedTexts.get(form) : textarea.defaultValue);
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-autosave")) return;
  const textarea = form.querySelector("textarea[name=value]");
  if (!textarea) return;
  const forced = form.dataset.force === "true";
  delete form.dataset.force;
  if (readOnly() || (!forced && textarea.value === lastSaved(form, textarea))) {
    event.preventDefault();
    if (form.dataset.state === "dirty" || form.dataset.state === "failed") setSaveState(form, "saved", "Saved");
    return;
  }
  form.sending = textarea.value;
});
function saveAgain(form) {
  form.dataset.force = "true";
  window.htmx.trigger(form, "change");
}
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-autosave")) setSaveState(form, "saving", "Saving…");
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-autosave")) return;
  const xhr = event.detail.xhr;
  if (xhr && xhr.status === 409) {
    setSaveState(form, "conflict", "Not saved: someone else changed it — choose below.");
  } else if (event.detail.successful) {
    const version = xhr && xhr.getResponseHeader("X-Row-Version");
    if (version) form.querySelectorAll("input[name=version]").forEach((input) => { input.value = version; });
    if (typeof form.sending === "string") savedTexts.set(form, form.sending);
    // A keystroke during the request leaves the form dirty: the queued request will save it.
    if (form.dataset.state === "saving") setSaveState(form, "saved", "Saved");
  } else {
    setSaveState(form, "failed", "Not saved — your text is still here.");
  }
});
window.addEventListener("beforeunload", (event) => {
  if (!readOnly() && document.querySelector("form[data-autosave]:is([data-state=dirty],[data-state=saving],[data-state=failed],[data-state=conflict])")) {
    event.preventDefault();
  }
});

// --- Rows moved or added: move the element itself, so text typed in it stays ---------------------------

function visibleSibling(row, forward) {
  let next = forward ? row.nextElementSibling : row.previousElementSibling;
  while (next && next.matches(".deleted-row, [data-undo]")) next = forward ? next.nextElementSibling : next.previousElementSibling;
  return next;
}

document.addEventListener("rowMoved", (event) => {
  const row = document.getElementById(`row-${event.detail.id}`);
  if (!row) return;
  const up = event.detail.direction === "up";
  const neighbour = visibleSibling(row, !up);
  if (!neighbour) return;
  if (up) neighbour.before(row); else neighbour.after(row);
  const button = row.querySelector(`button[name=direction][value=${up ? "up" : "down"}]`);
  if (button) button.focus();
});

document.addEventListener("rowAdded", (event) => {
  const row = document.getElementById(`row-${event.detail.id}`);
  if (!row) return;
  row.scrollIntoView({ block: "center" });
  const quoted = row.querySelector("[data-quoted]") ? null : row.querySelector("textarea");
  (quoted || row.querySelector("textarea")).focus({ preventScroll: true });
});

// --- An edit conflict (409): keep theirs, keep mine, or merge by hand. The typed text is never dropped. ---
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-conflict-action]");
  if (!button) return;
  const box = button.closest("[data-conflict]");
  const form = button.closest("form[data-autosave]");
  if (!box || !form) return;
  const textarea = form.querySelector("textarea[name=value]");
  form.querySelectorAll("input[name=version]").forEach((input) => { input.value = box.dataset.version; });
  const action = button.dataset.conflictAction;
  if (action === "theirs") {
    textarea.value = box.querySelector("[data-theirs]").value;
    savedTexts.set(form, textarea.value);
    setSaveState(form, "saved", "Saved (their text kept)");
  } else if (action === "mine") {
    saveAgain(form); // saves again, now on top of their version
  } else {
    setSaveState(form, "dirty", "Merge the texts, then it saves");
    textarea.focus();
    return; // keep their text on screen while merging
  }
  box.parentElement.replaceChildren();
});

// --- Living beside live updates (live.js) ------------------------------------------------------------
// A row this page added may already have arrived over the event stream: keep only the copy htmx places.
document.addEventListener("htmx:beforeSwap", (event) => {
  const body = event.detail.serverResponse;
  const match = typeof body === "string" && body.match(/^\s*<tr id="row-(\d+)"/);
  if (!match) return;
  const existing = document.getElementById(`row-${match[1]}`);
  if (existing && existing !== event.detail.target) existing.remove();
});
// Our own changes come back over the stream too: the row's version tells live.js it shows them already.
document.addEventListener("htmx:afterRequest", (event) => {
  const version = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Row-Version");
  const row = event.detail.elt instanceof Element && event.detail.elt.closest("tr[data-version]");
  if (version && row && Number(version) > Number(row.dataset.version || 0)) row.dataset.version = version;
});

// --- Small page helpers ------------------------------------------------------------------------------
// A select that switches something (the team) submits its form at once; the Switch button is for no-JS.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change") && select.form) {
    select.form.requestSubmit();
  }
});

// "Copy" beside a one-time link.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const field = document.querySelector(button.getAttribute("data-copy"));
  if (!field) return;
  field.select();
  const done = () => { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, () => {});
  else if (document.execCommand("copy")) done();
});

// Several past Word files: send them one at a time so the page can say how far it is (a plain form
// post of all files works without JavaScript too).
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-one-by-one")) return;
  const input = form.querySelector("input[type=file]");
  if (!input || input.files.length < 2) return; // one file: the ordinary post is as good
  event.preventDefault();
  const files = [...input.files];
  const progress = form.querySelector("[data-upload-progress]");
  const status = form.querySelector("[data-upload-status]");
  const results = document.getElementById("import-results");
  const button = form.querySelector("button[type=submit]");
  const token = form.querySelector("input[name=csrf_token]").value;
  results.replaceChildren();
  button.disabled = true;
  progress.hidden = false;
  progress.max = files.length;
  for (const [i, file] of files.entries()) {
    status.textContent = `Importing ${i + 1} of ${files.length}: ${file.name}…`;
    const body = new FormData();
    body.append("csrf_token", token);
    body.append("files", file);
    try {
      const response = await fetch(form.action, { method: "POST", body, headers: { "HX-Request": "true", "X-CSRF-Token": token } });
      results.insertAdjacentHTML("beforeend", await response.text());
    } catch (error) {
      const line = document.createElement("p");
      line.className = "error-message";
      line.textContent = `${file.name}: not sent (${error.message}). Try it again.`;
      results.append(line);
    }
    progress.value = i + 1;
  }
  status.textContent = `Done: ${files.length} files.`;
  button.disabled = false;
});

// --- Delete and Undo beside the live feed ---------------------------------------------------------------------
// The event stream may announce our own deletion before htmx has swapped in the "Row … deleted. Undo" notice:
// mark the row while its delete is under way, so live.js leaves it (and the notice that replaces it) alone.
document.addEventListener("htmx:beforeRequest", (event) => {
  const button = event.detail.elt;
  const row = button instanceof Element && button.matches("[data-delete-row]") && button.closest("tr");
  if (row) row.dataset.deleting = "true";
});
document.addEventListener("htmx:afterRequest", (event) => {
  const button = event.detail.elt;
  const row = button instanceof Element && button.matches("[data-delete-row]") && button.closest("tr");
  if (!row || !row.isConnected || event.detail.successful) return;
  delete row.dataset.deleting;
  if (row.dataset.deletedElsewhere) row.remove(); // someone else deleted it meanwhile: it is gone for us too
});

// --- Selects that save on change (status, assignee): a refused change goes back, with the reason beside it ----
function fieldMessage(form, text) {
  let message = form.querySelector(".field-error");
  if (!text) {
    if (message) message.remove();
    return;
  }
  if (!message) {
    message = document.createElement("p");
    message.className = "field-error";
    message.setAttribute("role", "alert");
    form.append(message);
  }
  message.textContent = text;
}
function confirmedValue(select) {
  if (select.dataset.confirmed !== undefined) return select.dataset.confirmed;
  const chosen = Array.from(select.options).find((option) => option.defaultSelected) || select.options[0];
  return chosen ? chosen.value : "";
}
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt; // detail.elt is the swap's target
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-revert-on-error") || event.detail.xhr.status < 400) return;
  event.detail.shouldSwap = false; // the reason goes beside the select, not to the top of the page
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-revert-on-error")) return;
  const select = form.querySelector("select");
  if (!select) return;
  if (event.detail.successful) {
    select.dataset.confirmed = select.value;
    fieldMessage(form, "");
    return;
  }
  select.value = confirmedValue(select);
  const xhr = event.detail.xhr;
  let reason = "Not changed: the server could not be reached. Try again.";
  if (xhr && xhr.status) {
    const answer = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    reason = `Not changed: ${(answer.body.textContent || "").trim() || `the server refused it (${xhr.status}).`}`;
  }
  fieldMessage(form, reason);
});

// --- A viewer's table is read-only (the page says so with data-readonly; the cached rows do not know who looks) -
function makeReadOnly(root) {
  root.querySelectorAll("form[data-autosave] textarea").forEach((textarea) => {
    textarea.readOnly = true;
  });
  root.querySelectorAll("[data-quoted] u[role=button]").forEach((underline) => {
    underline.removeAttribute("role");
    underline.removeAttribute("tabindex");
    underline.removeAttribute("aria-describedby");
  });
}
(() => {
  const table = document.querySelector("table.comment-table[data-readonly]");
  if (!table) return;
  makeReadOnly(table);
  new MutationObserver(() => makeReadOnly(table)).observe(table, { childList: true, subtree: true });
})();

// --- The count line and the "no rows" message follow rows added, deleted, restored or changed ------------------
let countsTimer = 0;
let countsRequest = 0;
async function loadCounts() {
  const line = document.getElementById("row-count");
  if (!line || !line.dataset.countsUrl) return;
  const asked = ++countsRequest;
  try {
    const response = await fetch(line.dataset.countsUrl, { headers: { "HX-Request": "true" } });
    if (!response.ok || asked !== countsRequest) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const freshLine = fresh.getElementById("row-count");
    const freshEmpty = fresh.getElementById("rows-empty");
    const empty = document.getElementById("rows-empty");
    if (freshLine && line.textContent !== freshLine.textContent) line.textContent = freshLine.textContent;
    if (freshEmpty && empty) empty.hidden = freshEmpty.hidden || document.querySelector("#rows > tr") !== null;
  } catch {
    // offline for a moment: the next change or a reload brings the counts
  }
}
function rowsChanged() {
  const empty = document.getElementById("rows-empty");
  if (empty && document.querySelector("#rows > tr")) empty.hidden = true; // at once, before the counts come
  clearTimeout(countsTimer);
  countsTimer = setTimeout(loadCounts, 100);
}
document.addEventListener("rowsChanged", rowsChanged); // live.js: someone's row event was applied here
document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (!event.detail.successful || !(elt instanceof Element)) return;
  const changesCounts = elt.matches("form.add-row, [data-delete-row], [data-revert-on-error], tr[data-undo] form");
  if (changesCounts) rowsChanged();
});
