// The host's forms. The pages work without this module; it adds:
// - a warning before leaving a form with unsaved changes;
// - on the event form, moving questions by keyboard (Move up/down) and by drag,
//   adding and removing rows (the times stay in place, the questions swap);
// - on the series form, the browser's time zone as the default and the next
//   dates of the chosen recurrence, asked from the server as choices change.

const KIND_LABELS = { welcome: "Welcome", closing: "Closing" };

// -- unsaved changes ----------------------------------------------------------------

for (const form of document.querySelectorAll("form[data-warn-unsaved]")) {
  let dirty = form.querySelector("#error-summary") !== null; // a refused save is unsaved
  const mark = () => { dirty = true; };
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  form.addEventListener("plan-changed", mark);
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
}
document.getElementById("error-summary")?.focus();

// -- the event form's question rows -----------------------------------------------

const plan = document.querySelector("[data-plan]");

function rows() {
  return [...plan.querySelectorAll("[data-row]:not([data-blank])")];
}

function movable() {
  return rows().filter((row) => row.hasAttribute("data-movable"));
}

function field(row, name) {
  return row.querySelector(`[name$="-${name}"]`);
}

function announce(text) {
  const region = document.querySelector("[data-plan-announcer]");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function relabel() {
  let number = 0;
  const list = movable();
  for (const row of rows()) {
    const kind = field(row, "kind")?.value || "question";
    let label = KIND_LABELS[kind] || "";
    if (kind === "question") {
      number += 1;
      label = `Q${number}`;
    }
    row.querySelector(".row-label").textContent = label;
    row.dataset.label = label;
    for (const name of row.querySelectorAll("[data-row-name]")) name.textContent = ` of ${label}`;
    for (const name of row.querySelectorAll("[data-row-name-bare]")) name.textContent = ` ${label}`;
    const text = field(row, "text");
    if (text && row.hasAttribute("data-movable")) {
      text.placeholder = kind === "question" ? `Question ${number}: write it here` : "";
    }
    const index = list.indexOf(row);
    const up = row.querySelector('[data-move="up"]');
    const down = row.querySelector('[data-move="down"]');
    if (up) up.disabled = index <= 0;
    if (down) down.disabled = index < 0 || index >= list.length - 1;
  }
}

// The rows' times stay in their slots: after a move the earliest time goes to the
// first movable row, and so on.
function reassignTimes(slots) {
  movable().forEach((row, index) => {
    if (slots[index] !== undefined) field(row, "offset").value = slots[index];
  });
}

function currentSlots() {
  return movable()
    .map((row) => field(row, "offset").value)
    .sort((a, b) => Number(a) - Number(b));
}

function changed() {
  relabel();
  plan.closest("form").dispatchEvent(new Event("plan-changed"));
}

function move(row, direction) {
  const list = movable();
  const index = list.indexOf(row);
  const other = list[direction === "up" ? index - 1 : index + 1];
  if (!other) return;
  const slots = currentSlots();
  if (direction === "up") other.before(row);
  else other.after(row);
  reassignTimes(slots);
  changed();
  const button = row.querySelector(`[data-move="${direction}"]`);
  (button && !button.disabled ? button : row.querySelector("textarea"))?.focus();
  announce(`Moved to ${row.dataset.label}, at ${field(row, "offset").value} minutes.`);
}

function prepare(row) {
  for (const button of row.querySelectorAll("[data-move]")) {
    button.hidden = false;
    button.addEventListener("click", () => move(row, button.dataset.move));
  }
  const remove = row.querySelector(".remove-control");
  if (remove) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary danger-text";
    button.innerHTML = remove.querySelector("label").innerHTML;
    button.addEventListener("click", () => {
      const label = row.dataset.label;
      const next = row.nextElementSibling;
      row.remove();
      changed();
      announce(`${label} removed.`);
      (next?.querySelector("textarea") || plan.querySelector("textarea"))?.focus();
    });
    remove.replaceWith(button);
  }
  field(row, "kind")?.addEventListener("change", relabel);
  if (row.hasAttribute("data-movable")) {
    const handle = row.querySelector(".drag-handle");
    // Drag from the handle only, so text in the fields can still be selected.
    handle?.addEventListener("pointerdown", () => { row.draggable = true; });
    row.addEventListener("dragend", () => { row.draggable = false; row.classList.remove("dragging"); });
    row.addEventListener("dragstart", (event) => {
      dragged = { row, slots: currentSlots() };
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.label || "");
    });
  }
}

let dragged = null;

if (plan) {
  const blank = plan.querySelector("[data-blank]");
  const total = plan.closest("form").querySelector("[data-total]");
  const template = blank.cloneNode(true);
  const templateIndex = Number(total.value) - 1;
  blank.remove(); // "Add a question" replaces the page's one optional blank row
  const addButton = plan.closest("form").querySelector("[data-add-row]");
  addButton.hidden = false;
  addButton.addEventListener("click", () => {
    const n = Number(total.value);
    total.value = String(n + 1);
    const html = template.outerHTML.replaceAll(`q-${templateIndex}-`, `q-${n}-`);
    const holder = document.createElement("ol");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    row.removeAttribute("data-blank");
    row.setAttribute("data-movable", "");
    field(row, "slot").value = "1";
    const last = Math.max(-10, ...movable().map((r) => Number(field(r, "offset").value) || 0));
    const limit = Number(field(row, "offset").max) || 59;
    field(row, "offset").value = String(Math.min(limit, last + 10));
    plan.append(row);
    prepare(row);
    changed();
    row.querySelector("textarea").focus();
    announce(`${row.dataset.label} added.`);
  });
  rows().forEach(prepare);
  relabel();
  plan.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();
    const target = event.target.closest("[data-movable]");
    if (!target || target === dragged.row) return;
    const box = target.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) target.before(dragged.row);
    else target.after(dragged.row);
  });
  plan.addEventListener("drop", (event) => {
    if (!dragged) return;
    event.preventDefault();
    reassignTimes(dragged.slots);
    const { row } = dragged;
    dragged = null;
    changed();
    announce(`Moved to ${row.dataset.label}, at ${field(row, "offset").value} minutes.`);
  });
}

// -- the series form: zone and recurrence --------------------------------------------

const zoneInput = document.querySelector("input[data-browser-zone]");
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zoneInput && browserZone && zoneInput.dataset.browserZone === "1") {
  zoneInput.value = browserZone;
}

const recurrence = document.querySelector("[data-recurrence]");
if (recurrence) {
  const form = recurrence.closest("form");
  const preview = document.getElementById("recurrence-preview");
  const names = ["repeat", "week_of_month", "weekday", "rrule", "start_time", "start_date", "timezone"];
  const show = () => {
    const repeat = form.querySelector('[name="repeat"]:checked')?.value || form.querySelector('[name="repeat"]')?.value;
    for (const part of form.querySelectorAll("[data-for-repeat]")) {
      part.hidden = !part.dataset.forRepeat.split(" ").includes(repeat);
    }
  };
  let timer = null;
  let asked = 0;
  const refresh = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const params = new URLSearchParams();
      for (const name of names) {
        const input = form.querySelector(`[name="${name}"]:checked`) || form.querySelector(`[name="${name}"]:not([type="radio"])`);
        if (input) params.set(name, input.value);
      }
      const mine = ++asked;
      const response = await fetch(`${preview.dataset.url}?${params}`, { headers: { Accept: "text/html" } });
      if (mine !== asked || !response.ok) return;
      preview.innerHTML = await response.text();
    }, 250);
  };
  form.addEventListener("change", (event) => {
    if (names.includes(event.target.name)) { show(); refresh(); }
  });
  form.addEventListener("input", (event) => {
    if (["rrule", "timezone", "start_time"].includes(event.target.name)) refresh();
  });
  show();
  if (zoneInput?.dataset.browserZone === "1") refresh();
}

const organiser = document.querySelector("[data-organiser-choice]");
if (organiser) {
  const newOrg = document.querySelector("[data-new-organisation]");
  const sync = () => { newOrg.hidden = organiser.value !== "new"; };
  organiser.addEventListener("change", sync);
  sync();
}
