// Taper steps: each its own labelled group (From, tablet strength, dose, times a day), removable.
// Fields carry their API names (prescription.taper[N].from ...) so errors land on them.

import { DATE_FORMAT } from "./dates.js";
import { fillDoses, fillStrengths } from "./dose.js";

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

// Give the step at `index` its legend, ids, labels and field names.
function setIndex(step, index) {
  step.querySelector("legend").textContent = "Lower dose, step " + (index + 1);
  for (const [part] of PARTS) {
    const control = step.querySelector('[data-part="' + part + '"]');
    control.id = "step-" + part + "-" + index;
    control.dataset.field = "prescription.taper[" + index + "]." + API[part];
    control.closest(".field").querySelector("label").htmlFor = control.id;
  }
  const hint = step.querySelector(".hint");
  hint.id = "step-from-" + index + "-hint";
  step.querySelector('[data-part="from"]').dataset.help = hint.id;
  step.querySelector('[data-part="from"]').setAttribute("aria-describedby", hint.id);
  step.querySelector(".remove-step").textContent = "Remove step " + (index + 1);
}

export function makeStep(container, medicine, strength) {
  const step = element("fieldset", { class: "step" });
  step.appendChild(element("legend"));
  const pairs = [element("div", { class: "pair" }), element("div", { class: "pair" })];
  PARTS.forEach(([part, label, tag], order) => {
    const field = element("div", { class: "field" });
    field.appendChild(element("label", {}, label));
    const control = element(tag, { "data-part": part });
    if (part === "from") Object.assign(control, { className: "date", inputMode: "numeric", autocomplete: "off" });
    if (part === "times") Object.assign(control, { type: "number", min: "1", inputMode: "numeric" });
    field.appendChild(control);
    if (part === "from") field.appendChild(element("p", { class: "hint" }, DATE_FORMAT));
    pairs[order < 2 ? 0 : 1].appendChild(field);
  });
  pairs.forEach((pair) => step.appendChild(pair));
  step.appendChild(element("button", { type: "button", class: "small remove-step" }));
  container.appendChild(step);
  setIndex(step, container.children.length - 1);
  const strengthSelect = step.querySelector('[data-part="strength"]');
  fillStrengths(strengthSelect, medicine, strength);
  fillDoses(step.querySelector('[data-part="dose"]'), medicine, strengthSelect.value, "");
  return step;
}

export function renumber(container) {
  [...container.children].forEach((step, index) => setIndex(step, index));
}

export function part(step, name) {
  return step.querySelector('[data-part="' + name + '"]');
}
