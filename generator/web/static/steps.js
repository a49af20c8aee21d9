// Taper steps: each its own labelled group (From, times a day, tablet strength, dose, when), removable.
// Fields carry their API names (prescription.taper[N].from, prescriptions[1].taper[N].from ...) so errors
// land on them.

import { DATE_FORMAT } from "./dates.js";
import { fillDoses, fillStrengths } from "./dose.js";
import { makeSlots, setSlotIds } from "./when.js";

const PARTS = [
  ["from", "From", "input"],
  ["times", "Times a day", "input"],
  ["strength", "Tablet strength", "select"],
  ["dose", "Each time", "select"],
];
const API = { from: "from", times: "times_per_day", strength: "strength_mg", dose: "dose_mg" };

function element(tag, attributes = {}, text = "") {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

// Give the step at `index` its legend, ids (from `base`, e.g. "step-"), labels and field names (under `field`,
// e.g. "prescription").
function setIndex(step, index, base, field) {
  step.querySelector("legend").textContent = "Lower dose, step " + (index + 1);
  for (const [name] of PARTS) {
    const control = part(step, name);
    control.id = base + name + "-" + index;
    control.closest(".field").querySelector("label").htmlFor = control.id;
  }
  setSlotIds(step.querySelector(".slots"), (name) => base + name + "-" + index);
  for (const control of step.querySelectorAll("[data-rel]")) control.dataset.field = field + ".taper[" + index + "]." + control.dataset.rel;
  const hint = step.querySelector(".hint");
  hint.id = base + "from-" + index + "-hint";
  part(step, "from").dataset.help = hint.id;
  part(step, "from").setAttribute("aria-describedby", hint.id);
  step.querySelector(".remove-step").textContent = "Remove step " + (index + 1);
}

export function makeStep(container, medicine, strength) {
  const step = element("fieldset", { class: "step" });
  step.appendChild(element("legend"));
  const pairs = [element("div", { class: "pair" }), element("div", { class: "pair" })];
  PARTS.forEach(([name, label, tag], order) => {
    const field = element("div", { class: "field" });
    field.appendChild(element("label", {}, label));
    const control = element(tag, { "data-part": name, "data-rel": API[name] });
    if (name === "from") Object.assign(control, { className: "date", inputMode: "numeric", autocomplete: "off" });
    if (name === "times") Object.assign(control, { type: "number", min: "1", inputMode: "numeric" });
    field.appendChild(control);
    if (name === "from") field.appendChild(element("p", { class: "hint" }, DATE_FORMAT));
    pairs[order < 2 ? 0 : 1].appendChild(field);
  });
  pairs.forEach((pair) => step.appendChild(pair));
  const when = element("fieldset", { class: "when" });
  when.appendChild(element("legend", {}, "When"));
  const slots = element("div", { class: "field slots" });
  makeSlots(slots, "times");
  when.appendChild(slots);
  step.appendChild(when);
  step.appendChild(element("button", { type: "button", class: "small remove-step" }));
  container.appendChild(step);
  const strengthSelect = part(step, "strength");
  fillStrengths(strengthSelect, medicine, strength);
  fillDoses(part(step, "dose"), medicine, strengthSelect.value, "");
  return step;
}

export function renumber(container, base, field) {
  [...container.children].forEach((step, index) => setIndex(step, index, base, field));
}

export function part(step, name) {
  return step.querySelector('[data-part="' + name + '"]');
}
