// Taper steps: each its own labelled group (days at this dose, times a day, tablet strength, dose, when),
// removable; the page works out each step's dates from the days (shown in the step and in the summary).
// Fields carry their API names (prescription.taper[N].days, prescriptions[1].taper[N].days ...) so errors
// land on them.

import { fillDoses, fillStrengths } from "./dose.js";
import { makeSlots, readSlots, setSlotIds, setTimes } from "./when.js";

const PARTS = [
  ["days", "Days at this dose", "input"],
  ["times", "Times a day", "input"],
  ["strength", "Tablet strength", "select"],
  ["dose", "Each time", "select"],
];
const API = { days: "days", times: "times_per_day", strength: "strength_mg", dose: "dose_mg" };

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
  const dates = part(step, "dates");
  dates.id = base + "dates-" + index;
  part(step, "days").dataset.help = dates.id;
  part(step, "days").setAttribute("aria-describedby", dates.id);
  step.querySelector(".remove-step").textContent = "Remove step " + (index + 1);
}

// A new step copies the one before (`before`: {days, times, strength, dose, slots}), which staff then change.
export function makeStep(container, medicine, before) {
  const step = element("fieldset", { class: "step" });
  step.appendChild(element("legend"));
  const pairs = [element("div", { class: "pair" }), element("div", { class: "pair" })];
  PARTS.forEach(([name, label, tag], order) => {
    const field = element("div", { class: "field" });
    field.appendChild(element("label", {}, label));
    const control = element(tag, { "data-part": name, "data-rel": API[name] });
    if (name !== "strength" && name !== "dose") Object.assign(control, { type: "number", min: "1", inputMode: "numeric" });
    field.appendChild(control);
    if (name === "days") field.appendChild(element("p", { class: "hint", "data-part": "dates" }, "Dates: fill in the days"));
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
  fillStrengths(strengthSelect, medicine, before.strength);
  fillDoses(part(step, "dose"), medicine, strengthSelect.value, before.dose);
  part(step, "days").value = before.days;
  part(step, "times").value = before.times;
  setTimes(slots, before.slots);
  return step;
}

// What a step holds, for the next one to copy.
export function stepValues(step) {
  const value = (name) => part(step, name).value;
  return { days: value("days"), times: value("times"), strength: value("strength"), dose: value("dose"), slots: readSlots(step.querySelector(".slots")) };
}

export function renumber(container, base, field) {
  [...container.children].forEach((step, index) => setIndex(step, index, base, field));
}

export function part(step, name) {
  return step.querySelector('[data-part="' + name + '"]');
}
