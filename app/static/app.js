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
