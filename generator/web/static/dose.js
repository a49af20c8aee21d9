// Doses as the page offers them: the topic's tablet strengths, and for each the doses whole
// tablets make within the label's per-dose limit (both from GET /api/topics). The server checks
// every prescription again; the page only helps staff pick what the prescription says.

import { addDays, fromIso } from "./dates.js";
import { option } from "./leaflets.js";

export function mg(value) {
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: 3 });
}

// Strengths as "750 mg tablets"; the one before kept when still offered; the only one chosen.
export function fillStrengths(select, medicine, keep) {
  select.textContent = "";
  option(select, "", "Choose…");
  for (const choice of medicine.doses) option(select, choice.strength_mg, mg(choice.strength_mg) + " mg " + medicine.form + "s");
  if (medicine.doses.length === 1) select.value = medicine.doses[0].strength_mg;
  else if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
}

// Doses of the chosen strength as "2 tablets (1,500 mg)"; the value is the dose in mg.
export function fillDoses(select, medicine, strength, keep) {
  select.textContent = "";
  const choice = medicine.doses.find((d) => String(d.strength_mg) === String(strength));
  option(select, "", choice ? "Choose…" : "Choose the strength first");
  if (!choice) return;
  for (const count of choice.tablets) {
    option(select, count * choice.strength_mg, count + " " + medicine.form + (count > 1 ? "s" : "") + " (" + mg(count * choice.strength_mg) + " mg)");
  }
  if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
}

// "2 tablets of 750 mg, 4 times a day (6,000 mg a day)", or null while a part is missing.
export function doseText(step, form) {
  if (!step.strength_mg || !step.dose_mg || !step.times_per_day) return null;
  const tablets = Math.round(step.dose_mg / step.strength_mg);
  const times = step.times_per_day === 1 ? "once a day" : step.times_per_day + " times a day";
  return tablets + " " + form + (tablets > 1 ? "s" : "") + " of " + mg(step.strength_mg) + " mg, " + times +
    " (" + mg(step.dose_mg * step.times_per_day) + " mg a day)";
}

// What the patient will be told, in sentences, from the prescription as it will be sent.
export function scheduleText(rx, form) {
  const first = doseText(rx, form);
  if (!first) return "";
  const lines = [];
  if (rx.start && rx.days_supply) {
    const end = addDays(rx.start, rx.days_supply - 1);
    const until = rx.taper.length ? "" : " to " + fromIso(end);
    lines.push(first + ", from " + fromIso(rx.start) + until + (rx.taper.length ? " for " + rx.days_supply + " days" : "") + ".");
  } else {
    lines.push(first + ".");
  }
  let strength = rx.strength_mg;
  for (const step of rx.taper) {
    strength = step.strength_mg || strength;
    const text = doseText(Object.assign({}, step, { strength_mg: strength }), form);
    if (text) lines.push("Then " + text + (step.from ? ", from " + fromIso(step.from) : "") + ".");
  }
  if (rx.taper.length && rx.last_day) lines.push("Last day: " + fromIso(rx.last_day) + ".");
  return lines.join(" ");
}
