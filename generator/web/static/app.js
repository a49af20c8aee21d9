// The staff page: fills the choices from /api/topics, sends the form to /api/handouts,
// shows each error next to its field, and previews, downloads or prints the PDF, or
// downloads the same leaflet as an accessible web page (HTML).
"use strict";

const form = document.getElementById("leaflet-form");
const statusLine = document.getElementById("status");
const formError = document.getElementById("form-error");
const preview = document.getElementById("preview");
const download = document.getElementById("download");
const printButton = document.getElementById("print");
const htmlButton = document.getElementById("html");
let topics = [];
let languages = [];
let pdfUrl = null;

function token() {
  return document.getElementById("token").value || localStorage.getItem("handout-token") || "";
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    document.getElementById("token-box").hidden = false;
    document.getElementById("token").focus();
  }
  return response;
}

function option(select, value, text) {
  const item = document.createElement("option");
  item.value = value;
  item.textContent = text;
  select.appendChild(item);
}

function fillLanguages() {
  const topic = topics.find((t) => t.name === form.topic.value);
  const select = form.language;
  const keep = select.value;
  select.textContent = "";
  for (const language of languages) {
    if (topic && topic.languages.includes(language.code)) option(select, language.code, language.name);
  }
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  document.getElementById("prescription").hidden = !(topic && topic.medicine);
}

async function load() {
  const response = await api("/api/topics");
  if (!response.ok) {
    statusLine.textContent = "Enter the access token, then choose Make leaflet.";
    return;
  }
  const data = await response.json();
  topics = data.topics;
  languages = data.languages;
  document.getElementById("clinic-line").textContent = data.clinic.name + " · " + data.clinic.phone;
  form.topic.textContent = "";
  form.layout.textContent = "";
  for (const topic of topics) option(form.topic, topic.name, topic.title);
  for (const layout of data.layouts) option(form.layout, layout.name, layout.name + " — " + layout.description);
  form.layout.value = "standard";
  fillLanguages();
  statusLine.textContent = "";
}

function addStep() {
  const steps = document.getElementById("taper-steps");
  const index = steps.children.length;
  const step = document.createElement("div");
  step.className = "step";
  step.innerHTML =
    '<p class="help">Step ' + (index + 1) + " of the plan to lower the dose</p>" +
    '<div class="step-grid">' +
    '<div class="field"><label for="step-from-' + index + '">From</label><input type="date" id="step-from-' + index +
    '" data-field="prescription.taper[' + index + '].from"></div>' +
    '<div class="field"><label for="step-dose-' + index + '">mg each time</label><input type="number" step="any" id="step-dose-' +
    index + '" data-field="prescription.taper[' + index + '].dose_mg"></div>' +
    '<div class="field"><label for="step-times-' + index + '">Times a day</label><input type="number" min="1" id="step-times-' +
    index + '" data-field="prescription.taper[' + index + '].times_per_day"></div></div>';
  steps.appendChild(step);
  document.getElementById("last-day-field").hidden = false;
  document.getElementById("step-from-" + index).focus();
}

function value(id) {
  return document.getElementById(id).value.trim();
}

function number(id) {
  const text = value(id);
  return text === "" ? undefined : Number(text);
}

function body() {
  const data = {
    topic: form.topic.value,
    layout: form.layout.value,
    language: form.language.value,
    patient: { name: value("patient-name"), language: form.language.value },
    prescriber: { name: value("prescriber-name") },
  };
  if (value("patient-preferred")) data.patient.preferred_name = value("patient-preferred");
  if (value("patient-age")) data.patient.age = number("patient-age");
  if (value("patient-dob")) data.patient.date_of_birth = value("patient-dob");
  if (value("prescriber-phone")) data.prescriber.phone = value("prescriber-phone");
  if (!document.getElementById("prescription").hidden) {
    const rx = { medicine: form.topic.value, dose_mg: number("rx-dose"), times_per_day: number("rx-times"),
      start: value("rx-start") || undefined, days_supply: number("rx-days") };
    const steps = document.getElementById("taper-steps").children.length;
    rx.taper = [];
    for (let i = 0; i < steps; i++) {
      if (value("step-from-" + i) || value("step-dose-" + i)) {
        rx.taper.push({ from: value("step-from-" + i), dose_mg: number("step-dose-" + i), times_per_day: number("step-times-" + i) });
      }
    }
    if (value("rx-last")) rx.last_day = value("rx-last");
    data.prescription = rx;
  }
  return data;
}

function clearErrors() {
  formError.hidden = true;
  formError.textContent = "";
  for (const old of form.querySelectorAll(".error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

function showErrors(result) {
  let first = null;
  const general = [];
  for (const problem of result.errors || []) {
    const input = form.querySelector('[data-field="' + problem.field + '"]');
    if (!input) {
      general.push((problem.field ? problem.field + ": " : "") + problem.message);
      continue;
    }
    const note = document.createElement("p");
    note.className = "error";
    note.id = "error-" + input.id;
    note.textContent = problem.message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.closest(".field").appendChild(note);
    first = first || input;
  }
  if (general.length || !(result.errors || []).length) {
    formError.textContent = general.length ? general.join("; ") : result.error;
    formError.hidden = false;
  }
  (first || formError).focus?.();
  statusLine.textContent = "The leaflet was not made. Please check the marked fields.";
}

async function make(event) {
  event.preventDefault();
  clearErrors();
  if (value("token")) localStorage.setItem("handout-token", value("token"));
  statusLine.textContent = "Making the leaflet…";
  let response;
  try {
    response = await api("/api/handouts", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body()) });
  } catch (error) {
    statusLine.textContent = "The server could not be reached. Please try again.";
    return;
  }
  if (!response.ok) {
    let result = { error: "The leaflet was not made (error " + response.status + ").", errors: [] };
    try { result = await response.json(); } catch (error) { /* keep the generic message */ }
    if (response.status === 401) { topics.length || load(); }
    showErrors(result);
    return;
  }
  const blob = await response.blob();
  if (pdfUrl) URL.revokeObjectURL(pdfUrl);
  pdfUrl = URL.createObjectURL(blob);
  preview.src = pdfUrl;
  download.href = pdfUrl;
  download.hidden = false;
  printButton.hidden = false;
  htmlButton.hidden = false;
  statusLine.textContent = "The leaflet is ready: preview it below, download it or print it.";
}

async function downloadHtml() {
  statusLine.textContent = "Making the web page version…";
  let response;
  try {
    response = await api("/api/handouts", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(Object.assign(body(), { format: "html" })) });
  } catch (error) {
    statusLine.textContent = "The server could not be reached. Please try again.";
    return;
  }
  if (!response.ok) {
    statusLine.textContent = "The web page version was not made (error " + response.status + ").";
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = "leaflet.html";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  statusLine.textContent = "The web page version (HTML) is downloaded.";
}

form.topic.addEventListener("change", fillLanguages);
document.getElementById("add-step").addEventListener("click", addStep);
printButton.addEventListener("click", () => preview.contentWindow.print());
htmlButton.addEventListener("click", downloadHtml);
document.getElementById("token").addEventListener("change", () => { localStorage.setItem("handout-token", value("token")); load(); });
form.addEventListener("submit", make);
load();
