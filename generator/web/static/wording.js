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
  [/^gives (\d+) times of day for (\d+) doses a day$/, (m) => "Tick one time of day for each dose: " + m[1] + " ticked for " + m[2] + " doses a day."],
  [/^required for (\d+) doses a day/, (m) => m[1] + " doses a day have no usual times of day: choose “Every few hours”."],
  [/^a taper plan is printed for doses at set times of day/, () => "Steps to lower the dose are only for doses at times of day: choose “At times of day”, or remove the steps."],
  [/^one medicine leaflet at a time here/, () => "One medicine leaflet in this list: add the other medicine with “Add another medicine” (they make one leaflet)."],
  [/^the same medicine as prescriptions\[(\d+)\]/, (m) => "Already chosen as medicine " + (Number(m[1]) + 1) + ": choose another, or remove this one."],
  [/^not one of the medicines prescribed/, () => "Not one of the medicines on this form: add it with “Add another medicine”, or remove this leaflet."],
];
const BARE_NAMES = "days_supply|dose_mg|times_per_day|strength_mg|last_day|every_hours|as_needed_for|as_needed|date_of_birth";
const FIELD_PATH = new RegExp("\\b(?:patient|prescriber|prescriptions?)(?:\\.[a-z_]+|\\[\\d+\\])+|\\b(?:" + BARE_NAMES + ")\\b", "g");
const MEDICINE = /^(prescription|prescriptions\[\d+\])(?:\.(medicine|taper))?$/;

function visible(control) {
  return !control.closest("[hidden]");
}

// The page's control for an API field, or null.
export function controlFor(field) {
  if (!field) return null;
  const exact = [...document.querySelectorAll('[data-field="' + CSS.escape(field) + '"]')];
  if (exact.some(visible)) return exact.find(visible);
  const medicine = MEDICINE.exec(field);
  if (medicine && medicine[2] === "taper") {  // a taper beside doses not at set times: the choice of when
    const how = document.querySelector('[data-field="' + CSS.escape(medicine[1] + ".as_needed") + '"]');
    return how ? how.closest(".how").querySelector("input:checked") : null;
  }
  if (field === "topics" || medicine) {  // the first medicine is chosen in the list of leaflets
    const topics = [...document.querySelectorAll('[data-field^="topics["]')];
    const chosen = topics.find((select) => select.selectedOptions[0] && select.selectedOptions[0].dataset.medicine);
    return field === "topics" ? topics[0] || null : chosen || topics[0] || null;
  }
  if (field === "patient.language") return document.getElementById("language");
  return exact[0] || null;
}

// The words a person sees for a field: its label (with its medicine's and its step's names).
export function labelFor(field, near = null) {
  const group = near && near.closest(".medicine");
  const prefix = group ? group.querySelector("[data-rel]").dataset.field.split(".")[0] : "prescription";
  const bare = new RegExp("^(?:" + BARE_NAMES + ")$").test(field);
  const control = controlFor(bare ? (field === "date_of_birth" ? "patient." : prefix + ".") + field : field);
  if (!control) return field;
  const label = document.querySelector('label[for="' + control.id + '"]');
  let text = label ? label.childNodes[0].textContent.trim() : field;
  const step = control.closest(".step");
  if (step) text = step.querySelector("legend").textContent.trim() + ": " + text.toLowerCase();
  const section = control.closest(".medicine");
  if (section && section.parentElement.children.length > 1 && (!group || group !== section)) {
    text = section.dataset.name + ", " + text[0].toLowerCase() + text.slice(1);
  }
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
    .replace(FIELD_PATH, (field) => "“" + labelFor(field, control) + "”");
  text = sentence ? capital(text) : text;
  return /[.!?)]$/.test(text) ? text : text + ".";
}

// A staff warning: what to do first (the server words it; see generator/web/warning_words.py).
export function warningWords(warning) {
  return datesInText(warning.action);
}
