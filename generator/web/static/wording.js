// Messages as staff read them: each on its field, in plain words, dates in the form's format,
// field names replaced by the labels on the page. The server's messages name API fields
// (prescription.days_supply) and ISO dates; people never see those.

import { DATE_FORMAT, datesInText } from "./dates.js";

const PLAIN = [
  [/^missing required field$|^must not be blank$/, (m, control) => control && control.tagName === "SELECT" ? "Required: choose one." : "Required: fill this in."],
  [/^input should be greater than or equal to (\S+)$/, (m) => "Must be " + m[1] + " or more."],
  [/^input should be greater than (\S+)$/, (m) => "Must be more than " + m[1] + "."],
  [/^input should be less than or equal to (\S+)$/, (m) => "Must be " + m[1] + " or less."],
  [/^input should be less than (\S+)$/, (m) => "Must be less than " + m[1] + "."],
  [/^string should have at most (\d+) characters?$/, (m) => "Too long: at most " + m[1] + " characters."],
  [/^string should match pattern/, () => "Not in the expected form: letters only, e.g. en."],
  [/^unknown field$/, () => "Not accepted by this server."],
];
const FIELD_PATH = /\b(?:patient|prescriber|prescription)(?:\.[a-z_]+|\[\d+\])+|\b(?:days_supply|dose_mg|times_per_day|strength_mg|last_day|date_of_birth)\b/g;
const BARE = { days_supply: "prescription.days_supply", dose_mg: "prescription.dose_mg", times_per_day: "prescription.times_per_day",
  strength_mg: "prescription.strength_mg", last_day: "prescription.last_day", date_of_birth: "patient.date_of_birth" };

// The page's control for an API field, or null.
export function controlFor(field) {
  if (!field) return null;
  const exact = document.querySelector('[data-field="' + CSS.escape(field) + '"]');
  if (exact) return exact;
  if (field === "topics" || field === "prescription.medicine" || field === "prescription") {
    return document.querySelector(field === "topics" ? '[data-field="topics[0]"]' : "#rx-dose:not([hidden])") ||
      document.querySelector('[data-field^="topics["]');
  }
  if (field === "patient.language") return document.getElementById("language");
  return null;
}

// The words a person sees for a field: its label (with its step's name inside a taper step).
export function labelFor(field) {
  const control = controlFor(BARE[field] || field);
  if (!control) return field;
  const label = document.querySelector('label[for="' + control.id + '"]');
  let text = label ? label.childNodes[0].textContent.trim() : field;
  const step = control.closest(".step");
  if (step) text = step.querySelector("legend").textContent.trim() + ": " + text.toLowerCase();
  return text;
}

function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

// A message in the page's words.
export function plainWords(message, control, sentence = true) {
  for (const [pattern, words] of PLAIN) {
    const found = pattern.exec(message);
    if (found) return words(found, control);
  }
  let text = datesInText(message)
    .replace(/YYYY-MM-DD/g, DATE_FORMAT)
    .replace(/the leaflet's made-on date|the made-on date/g, "today")
    .replace(FIELD_PATH, (field) => "“" + labelFor(field) + "”");
  text = sentence ? capital(text) : text;
  return /[.!?)]$/.test(text) ? text : text + ".";
}

// A staff warning: which field it is about, then what to check.
export function warningWords(warning) {
  const about = controlFor(warning.field) ? labelFor(warning.field) + ": " : "";
  return about + plainWords(warning.message, null, !about);
}
