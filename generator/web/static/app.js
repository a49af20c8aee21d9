// The front-desk page: one patient, one or more leaflets, each medicine's prescription in one pass.
// Choices come from GET /api/topics; POST /api/leaflets makes the PDF (several leaflets joined
// for one print job; several medicines in one leaflet); any edit clears a leaflet already made, so
// only what the form says is printed.

import { api, signOut, signedIn } from "./access.js";
import { fillDoses } from "./dose.js";
import { Emailer } from "./email.js";
import { clearErrors, showErrors, showGeneral } from "./errors.js";
import { OrderImport } from "./order.js";
import { fillForm } from "./order_form.js";
import { Prescribers } from "./prescribers.js";
import { Leaflets, option } from "./leaflets.js";
import { Medicines, own } from "./medicines.js";
import { readDate, readForm, readNumber, text } from "./request.js";
import { part } from "./steps.js";
import { readyHeading, showContent, showWarnings } from "./results.js";
import { Summaries } from "./summary.js";
import { intoView, uncover } from "./view.js";

const $ = (id) => document.getElementById(id);
const form = $("leaflet-form");
const preview = $("preview");
let catalog = null;
let leaflets = null;
let medicines = null;
let prescribers = null;
const summaries = new Summaries(api);
let version = 0; // every edit counts up: a leaflet made from an older form is never shown
let made = null; // {url, fileName, body, code}
let busy = false;

// The audit log records what staff did with a leaflet the server made (its code, never its content).
function report(action) {
  if (made && made.code) api("/api/audit", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ action, code: made.code }) });
}

function say(text) {
  $("status").textContent = text;
}

// ---- prescriptions ----

function showPrescription() {
  medicines.sync(leaflets.medicineTopic());
}

// The line under a prescription (or under each, `section` null) says what the leaflet will say.
function updateSummary(section = null) {
  for (const one of section ? [section] : medicines.sections()) {
    const problems = [];
    const rx = medicines.readOne(one, readNumber, readDate, problems);
    summaries.update(own(one, "summary"), rx, medicines.first ? problems : ["hidden"], $("layout").value);
  }
}

// ---- what was made ----

function setReady(ready) {
  for (const id of ["print", "download", "download-html", "send-email"]) $(id).disabled = !ready;
  preview.hidden = !ready;
}

// Any edit: the leaflet made before no longer matches the form, so it goes.
function invalidate() {
  version += 1;
  if (!made) return;
  URL.revokeObjectURL(made.url);
  made = null;
  preview.removeAttribute("src");
  setReady(false);
  $("warnings").hidden = true;
  $("content-status").hidden = true;
  $("result-heading").textContent = "Leaflet cleared: the form changed";
  say("The form changed, so the leaflet made before was cleared. Choose Make leaflet again.");
}

function fileName(response) {
  const found = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return found ? found[1] : "leaflet.pdf";
}

async function failure(response) {
  let result = { error: "The leaflet was not made (the server answered " + response.status + "). Try again.", errors: [] };
  try {
    result = await response.json();
  } catch (error) {
    /* keep the message above */
  }
  return result;
}

// While a request is on its way, its button says so and further presses are ignored (it keeps the focus).
function setBusy(on, button = $("make"), label = "Making the leaflet…") {
  busy = on;
  form.setAttribute("aria-busy", String(on));
  if (on) button.dataset.idle = button.textContent;
  button.setAttribute("aria-disabled", String(on));
  button.textContent = on ? label : button.dataset.idle;
}

async function make(event) {
  event.preventDefault();
  if (busy) return;
  clearErrors();
  if (text("token")) sessionStorage.setItem("handout-token", text("token"));
  const { data, problems } = readForm(leaflets, medicines);
  const sent = version;
  setBusy(true);
  say("Making the leaflet…");
  let response;
  try {
    response = await api("/api/leaflets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
  } catch (error) {
    setBusy(false);
    say("");
    showGeneral("The server could not be reached. Check the network connection, then choose Make leaflet again.");
    return;
  }
  setBusy(false);
  if (sent !== version) {
    say("The form changed while the leaflet was being made. Choose Make leaflet again.");
    return;
  }
  if (!response.ok) {
    const result = await failure(response);
    const own = new Set(problems.map((p) => p.field));
    const all = problems.concat((result.errors || []).filter((p) => !own.has(p.field)));
    const onFields = showErrors(all, result.error);
    say(onFields ? "The leaflet was not made: " + onFields + (onFields > 1 ? " problems are" : " problem is") + " marked on the form." : "The leaflet was not made.");
    intoView(document.activeElement);
    return;
  }
  if (problems.length) {  // the server accepted what it got, but the page could not read a field: never print that
    showErrors(problems, "");
    say("The leaflet was not made: correct the marked fields.");
    return;
  }
  const blob = await response.blob();
  made = { url: URL.createObjectURL(blob), fileName: fileName(response), body: data, code: response.headers.get("X-Handout-Code") };
  preview.src = made.url;
  setReady(true);
  const warnings = showWarnings(response, data);
  showContent(response);
  const medicine = data.prescriptions ? medicines.titles().join(" and ") : null;
  const titles = data.topics.map((name) => (medicine && leaflets.topicOf(name).medicine ? medicine : leaflets.topicOf(name).title)).join(" + ");
  const layout = catalog.layouts.find((one) => one.name === data.layout);
  $("result-heading").textContent = readyHeading(data, titles, leaflets.languageName(data.language), layout);
  $("result").hidden = false;
  say("The leaflet is ready" + (warnings ? ": check the warnings before you hand it out." : ": print it, download it or email it."));
  $("result").scrollIntoView({ block: "start" });
  $("result-heading").focus({ preventScroll: true });
}

function download() {
  report("downloaded");
  const link = document.createElement("a");
  link.href = made.url;
  link.download = made.fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

// The same leaflet as one accessible web page (one leaflet at a time), for a patient portal or a screen reader.
async function downloadPage() {
  if (busy || !made) return;
  clearErrors();
  setBusy(true, $("download-html"), "Making the web page…");
  let response;
  try {
    response = await api("/api/leaflets/html", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(made.body) });
  } catch (error) {
    setBusy(false, $("download-html"));
    showGeneral("The server could not be reached. Check the network connection, then try again.");
    return;
  }
  setBusy(false, $("download-html"));
  if (!response.ok) {
    const result = await failure(response);
    showGeneral(result.error || "The web page was not made.");
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = fileName(response);
  document.body.appendChild(link);
  link.click();
  link.remove();
}

function printLeaflet() {
  report("printed");
  preview.contentWindow.print();
}

// ---- importing an order ----

function fillFromOrder(order) {
  const titles = fillForm(order, { catalog, leaflets, medicines, clear: () => (invalidate(), clearErrors()), done: () => updateSummary() });
  if (!titles) showGeneral("The order names a medicine this page has no leaflet for, so the form was not filled.");
  return titles;
}

// What the order lacks, asked for on its fields; with nothing missing, Make leaflet is next.
function askFor(fields, message) {
  if (fields.length) {
    showErrors(fields.map((field) => ({ field, message, own: true })), "");
    intoView(document.activeElement);
  } else {
    $("make").focus({ preventScroll: true });
    intoView($("order-status"));
  }
}

function orderRefused(message) {
  $("order-status").textContent = "";
  showGeneral(message);
  intoView($("form-error"));
}

// ---- next patient: everything but the prescriber (and the printer's paper and colour) ----

function nextPatient() {
  invalidate();
  clearErrors();
  emailer.forget();
  $("order-status").textContent = "";
  const keep = { name: $("prescriber-name").value, phone: $("prescriber-phone").value, saved: $("saved-prescriber").value };
  const printer = { paper: $("paper").value, colour: $("colour").value, sides: $("double-sided").checked };
  form.reset();
  Object.assign($("prescriber-name"), { value: keep.name });
  Object.assign($("prescriber-phone"), { value: keep.phone });
  $("saved-prescriber").value = keep.saved;
  $("paper").value = printer.paper;
  $("colour").value = printer.colour;
  $("double-sided").checked = printer.sides;
  $("layout").value = catalog.layouts[0].name;
  $("email-to").value = "";
  leaflets.clear();
  medicines.clear();
  leaflets.languageNotes();
  $("result").hidden = true;
  say("Ready for the next patient.");
  leaflets.selects()[0].focus();
}

// ---- start ----

async function load() {
  const response = await api("/api/topics");
  if (!response.ok) {
    say("Enter the access token to start.");
    return;
  }
  catalog = await response.json();
  await signedIn();
  $("clinic-line").textContent = catalog.clinic.name + " · " + catalog.clinic.phone;
  $("language").textContent = "";
  for (const language of catalog.languages) option($("language"), language.code, language.name);
  $("layout").textContent = "";
  for (const layout of catalog.layouts.filter((l) => !l.variant_of)) option($("layout"), layout.name, layout.title);
  $("paper").textContent = "";
  for (const paper of catalog.papers) option($("paper"), paper.name, paper.title);
  $("paper").value = catalog.layouts[0].paper;
  $("email-box").hidden = !catalog.email;
  prescribers = new Prescribers(catalog.prescribers, $("saved-prescriber"), $("prescriber-name"), $("prescriber-phone"), $("forget-prescriber"));
  const single = catalog.layouts.filter((l) => !l.variant_of && !l.several_medicines).map((l) => "“" + l.title.split(/[:(]/)[0].trim() + "”");
  $("layout-help").textContent = single.length ? single.join(" and ") + (single.length > 1 ? " hold" : " holds") + " one medicine." : "";
  $("layout-help").hidden = !single.length;
  leaflets = new Leaflets(catalog, $("topic-list"), $("add-topic"), $("language"));
  leaflets.clear();
  medicines = new Medicines(catalog, $("medicines"), $("add-medicine"), $("medicine-template"));
  medicines.clear();
  say("");
}

const orders = new OrderImport({ api, fill: fillFromOrder, ask: askFor, refuse: orderRefused, status: $("order-status") });
orders.listen($("order-file"), $("order-paste"), document);

form.addEventListener("input", (event) => {
  const target = event.target;
  if (target.id === "token" || target.closest("#import-box")) return;
  const step = target.closest(".step");
  const section = target.closest(".medicine");
  invalidate();
  if (section && ["start", "days"].includes(target.dataset.part)) medicines.showDates(section);
  if (section && target.dataset.part === "times") {
    if (step) medicines.stepTimesChanged(step);
    else medicines.timesChanged(section);
  }
  if (section) updateSummary(section);
});
form.addEventListener("change", (event) => {
  const target = event.target;
  if (target.id === "token" || target.closest("#import-box")) return;
  invalidate();
  const step = target.closest(".step");
  const section = target.closest(".medicine");
  if (target.dataset.field && target.dataset.field.startsWith("topics[")) showPrescription();
  if (section) {
    const topic = medicines.topicOf(section);
    if (target.dataset.part === "medicine") {
      medicines.setMedicine(section, leaflets.topicOf(target.value));
      medicines.renumber();
    } else if (target.dataset.part === "strength") {
      const dose = step ? part(step, "dose") : own(section, "dose");
      fillDoses(dose, topic.medicine, target.value, dose.value);
    } else if (target.dataset.part === "dose") {
      medicines.doseChanged(target, step ? part(step, "strength") : own(section, "strength"), topic);
    } else if (target.closest(".how")) {
      medicines.showHow(section);
    } else if (target.dataset.slot) {
      medicines.slotChanged(target.closest(".slots"));
    }
  }
  leaflets.languageNotes();
  updateSummary(target.id === "layout" || !section ? null : section);
});
form.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const section = button.closest(".medicine");
  if (button.classList.contains("remove-step")) {
    medicines.removeStep(button.closest(".step")).focus();
  } else if (button.classList.contains("add-step")) {
    medicines.addStep(section).focus();
  } else if (button.classList.contains("remove-medicine")) {
    medicines.remove(section).focus();
  } else if (button.id === "add-medicine") {
    medicines.add().focus();
  } else if (button.classList.contains("remove-topic")) {
    const row = button.closest("li");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    leaflets.renumber();
    showPrescription();
    next.querySelector("select").focus();
  } else if (button.id === "add-topic") {
    leaflets.add().focus();
  } else if (button.id === "save-prescriber") {
    say(prescribers.save());
    return;
  } else if (button.id === "forget-prescriber") {
    say(prescribers.forgetChosen());
    $("saved-prescriber").focus();
    return;
  } else {
    return;
  }
  invalidate();
  leaflets.languageNotes();
  updateSummary();
});
form.addEventListener("submit", make);
$("next-patient").addEventListener("click", nextPatient);
$("next-patient-done").addEventListener("click", nextPatient);
$("print").addEventListener("click", printLeaflet);
// Ctrl+P (or Cmd+P) prints the leaflet made, not the page; without one, the page prints a one-line notice.
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "p" && made) {
    event.preventDefault();
    printLeaflet();
  }
});
document.addEventListener("focusin", (event) => uncover(event.target));
$("download").addEventListener("click", download);
$("download-html").addEventListener("click", downloadPage);
const emailer = new Emailer({ current: () => made, busy: () => busy, setBusy, failure });
emailer.listen();
$("token").addEventListener("change", () => {
  sessionStorage.setItem("handout-token", text("token"));
  load();
});
$("sign-out").addEventListener("click", signOut);
load();
