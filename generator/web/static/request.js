// The form as the body of POST /api/leaflets, and the problems the page finds itself
// (a date or number it cannot read): those fields are left out and marked in the page's words.

import { toIso } from "./dates.js";

const $ = (id) => document.getElementById(id);

export function text(id) {
  return $(id).value.trim();
}

export function readNumber(control, problems) {
  if (control.validity.badInput) problems.push({ field: control.dataset.field, message: "Enter a number in digits.", own: true });
  return control.value.trim() === "" ? undefined : Number(control.value);
}

export function readDate(control, problems) {
  const typed = control.value.trim();
  if (!typed) return undefined;
  const iso = toIso(typed);
  if (!iso) problems.push({ field: control.dataset.field, message: "Enter the date as MM/DD/YYYY, e.g. 11/24/2026.", own: true });
  return iso || undefined;
}

// The body for POST /api/leaflets, and the problems the page finds itself (a date it cannot read). One
// medicine is sent as `prescription`, several as `prescriptions` (one leaflet for all of them).
export function readForm(leaflets, medicines) {
  const problems = [];
  const topics = [];
  for (const select of leaflets.selects()) {
    if (select.value) topics.push(select.value);
    else problems.push({ field: select.dataset.field, message: "Required: choose a leaflet, or remove this line.", own: true });
  }
  const data = {
    topics,
    language: $("language").value,
    layout: $("layout").value,
    paper: $("paper").value,
    grayscale: $("colour").value === "grayscale",
    double_sided: $("double-sided").checked,
    patient: { name: text("patient-name") },
    prescriber: { name: text("prescriber-name") },
  };
  if (text("patient-preferred")) data.patient.preferred_name = text("patient-preferred");
  const age = readNumber($("patient-age"), problems);
  if (age !== undefined) data.patient.age = age;
  const born = readDate($("patient-dob"), problems);
  if (born) data.patient.date_of_birth = born;
  if (text("prescriber-phone")) data.prescriber.phone = text("prescriber-phone");
  const prescriptions = medicines.read(readNumber, readDate, problems);
  if (prescriptions.length === 1) data.prescription = prescriptions[0];
  if (prescriptions.length > 1) data.prescriptions = prescriptions;
  return { data, problems };
}
