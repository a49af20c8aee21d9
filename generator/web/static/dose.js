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
  else if (keep && [...select.options].some((o) => o.value === String(keep))) select.value = String(keep);
}

// Doses of the chosen strength as "2 tablets (1,500 mg)"; before a strength is chosen, every dose whole tablets
// of some strength make ("1,500 mg"). The value is the dose in mg.
export function fillDoses(select, medicine, strength, keep) {
  select.textContent = "";
  option(select, "", "Choose…");
  const choice = medicine.doses.find((d) => String(d.strength_mg) === String(strength));
  if (choice) {
    for (const count of choice.tablets) {
      option(select, count * choice.strength_mg, count + " " + medicine.form + (count > 1 ? "s" : "") + " (" + mg(count * choice.strength_mg) + " mg)");
    }
  } else {
    const doses = [...new Set(medicine.doses.flatMap((d) => d.tablets.map((count) => count * d.strength_mg)))].sort((a, b) => a - b);
    for (const dose of doses) option(select, dose, mg(dose) + " mg");
  }
  if (keep && [...select.options].some((o) => o.value === String(keep))) select.value = String(keep);
}

// The strengths whose whole tablets make `dose` mg within the per-dose limit.
export function strengthsFor(medicine, dose) {
  return medicine.doses.filter((d) => d.tablets.some((count) => count * d.strength_mg === Number(dose))).map((d) => String(d.strength_mg));
}
