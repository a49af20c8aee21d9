// Doses as the page offers them: the topic's tablet strengths, and for each the doses whole
// tablets make within the label's per-dose limit (both from GET /api/topics). The server checks
// every prescription again; the page only helps staff pick what the prescription says. What the leaflet
// will say about the dose comes from the server (summary.js), never worded here.

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
