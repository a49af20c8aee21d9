// The medicines of the patient's medicine leaflet. The first is the medicine leaflet chosen in the list of
// leaflets; "Add another medicine" adds more (up to 6), each its own group: medicine, strength, dose, times a
// day, days, when (times of day, every so many hours, or only when needed), start, refills and taper steps.
// One medicine is sent as `prescription`; several as `prescriptions`, which make ONE leaflet. Field names
// follow (prescription.dose_mg, prescriptions[1].dose_mg), so the server's errors land on their fields.

import { addDays, fromIso, toIso } from "./dates.js";
import { fillDoses, fillStrengths, strengthsFor } from "./dose.js";
import { option } from "./leaflets.js";
import { makeStep, part, renumber as renumberSteps, stepValues } from "./steps.js";
import { firstBox, makeSlots, readSlots, setSlotIds, setTimes, setUsual, showMeals, usualTimes } from "./when.js";

// Today as the form shows dates: the default start of a prescription.
function today() {
  const now = new Date();
  return fromIso([now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-"));
}

// "Dec 4, 2026" for the step dates the page works out.
function shortDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
}

export const MAX_MEDICINES = 6;
const FIRST_IDS = { section: "prescription", legend: "prescription-legend", steps: "taper-steps", "add-step": "add-step", "last-box": "last-day-field" };

// The group's own control `name` (not one of its taper steps').
export function own(section, name) {
  return [...section.querySelectorAll('[data-part="' + name + '"]')].find((control) => !control.closest(".step")) || null;
}

export class Medicines {
  constructor(catalog, container, addButton, template) {
    Object.assign(this, { catalog, container, addButton, template });
    this.first = null;
  }

  sections() {
    return [...this.container.children];
  }

  topicOf(section) {
    return this.catalog.topics.find((topic) => topic.name === section.dataset.topic) || null;
  }

  // Follow the list of leaflets: its medicine topic is the first medicine (nothing shown or sent without one).
  sync(first) {
    this.first = first;
    this.container.hidden = !first;
    if (first && !this.sections().length) this.create();
    const zero = this.sections()[0];
    if (first && zero.dataset.topic !== first.name) this.setMedicine(zero, first);
    this.renumber();
  }

  // Back to one empty group (next patient).
  clear() {
    this.container.textContent = "";
    this.sync(null);
  }

  create() {
    const section = this.template.content.firstElementChild.cloneNode(true);
    makeSlots(own(section, "slots"), "times");
    own(section, "start").value = today();
    this.container.appendChild(section);
    return section;
  }

  // Another medicine's group; returns its medicine select (to focus).
  add() {
    const section = this.create();
    const select = own(section, "medicine");
    option(select, "", "Choose a medicine…");
    for (const topic of this.catalog.topics.filter((one) => one.medicine)) option(select, topic.name, topic.title);
    this.setMedicine(section, null);
    this.renumber();
    return select;
  }

  // Remove a group; returns what should take the focus.
  remove(section) {
    const next = section.nextElementSibling;
    section.remove();
    this.renumber();
    return next ? own(next, "medicine") : this.addButton;
  }

  setMedicine(section, topic) {
    section.dataset.topic = topic ? topic.name : "";
    const strength = own(section, "strength");
    const dose = own(section, "dose");
    if (topic) {
      fillStrengths(strength, topic.medicine, "");
      fillDoses(dose, topic.medicine, strength.value, "");
    } else {
      for (const select of [strength, dose]) {
        select.textContent = "";
        option(select, "", "Choose the medicine first");
      }
    }
    const reason = own(section, "reason");
    reason.textContent = "";
    option(reason, "", "Not said");
    for (const one of topic ? topic.as_needed_reasons : []) option(reason, one.name, one.title);
    own(section, "steps").textContent = "";
    this.stepsChanged(section);
    this.timesChanged(section);
  }

  // Ids, labels, legends and API field names, after any group or step is added or removed.
  renumber() {
    const sections = this.sections();
    const several = sections.length > 1;
    sections.forEach((section, index) => {
      const base = index ? "rx" + (index + 1) + "-" : "rx-";
      const id = (name) => (index === 0 && FIRST_IDS[name]) || base + name;
      const field = several ? "prescriptions[" + index + "]" : "prescription";
      const topic = this.topicOf(section);
      section.id = id("section");
      section.dataset.name = several ? "Medicine " + (index + 1) : "Prescription";
      for (const control of section.querySelectorAll("[data-part]")) {
        if (!control.closest(".step")) control.id = id(control.dataset.part);
      }
      own(section, "legend").textContent = section.dataset.name + (topic ? ": " + topic.title : "");
      for (const label of section.querySelectorAll("label[data-for]")) label.htmlFor = id(label.dataset.for);
      for (const control of section.querySelectorAll("[data-hint]")) {
        const errors = (control.getAttribute("aria-describedby") || "").split(" ").filter((one) => one.startsWith("error-"));
        control.dataset.help = id(control.dataset.hint);
        control.setAttribute("aria-describedby", [control.dataset.help, ...errors].join(" "));
      }
      for (const radio of section.querySelectorAll(".how input")) radio.name = id("how");
      setSlotIds(own(section, "slots"), (name) => base + name);
      for (const control of section.querySelectorAll("[data-rel]")) {
        if (!control.closest(".step")) control.dataset.field = field + "." + control.dataset.rel;
      }
      renumberSteps(own(section, "steps"), index ? base + "step-" : "step-", field);
      own(section, "medicine-box").hidden = index === 0;
      const remove = own(section, "remove");
      remove.hidden = index === 0;
      remove.textContent = "Remove medicine " + (index + 1);
      this.showHow(section);
    });
    this.addButton.hidden = !this.first || sections.length >= MAX_MEDICINES;
  }

  // How the doses are taken: "times" (set times of day), "every" (every so many hours) or "needed".
  how(section) {
    const checked = section.querySelector(".how input:checked");
    return checked ? checked.value : "times";
  }

  showHow(section) {
    const how = this.how(section);
    own(section, "slots").hidden = how !== "times";
    own(section, "hours-box").hidden = how === "times";
    own(section, "reason-box").hidden = how !== "needed";
    own(section, "times-words").textContent = how === "times" ? "Times a day" : "Most times a day";
    own(section, "every-words").textContent = how === "needed" ? "At least how many hours apart" : "Every how many hours";
    own(section, "every-req").textContent = how === "needed" ? "(optional)" : "(required)";
    own(section, "add-step").hidden = how !== "times";
  }

  // Times a day changed: tick the topic's usual times for that many doses.
  timesChanged(section) {
    setUsual(own(section, "slots"), this.topicOf(section), Number(own(section, "times").value));
  }

  stepTimesChanged(step) {
    setUsual(step.querySelector(".slots"), this.topicOf(step.closest(".medicine")), Number(part(step, "times").value));
  }

  slotChanged(box) {
    showMeals(box);
  }

  stepsChanged(section) {
    own(section, "last-box").hidden = own(section, "steps").children.length === 0;
  }

  // Each step's dates from the full-dose days and each step's days, shown in the step; the last day they give
  // is shown under "Last day to take it" (typed, it is checked against them). Returns the last day, or null.
  showDates(section) {
    const start = toIso(own(section, "start").value);
    const days = Number(own(section, "days").value);
    let next = start && Number.isInteger(days) && days > 0 ? addDays(start, days) : null;
    for (const step of own(section, "steps").children) {
      const stepDays = Number(part(step, "days").value);
      const known = next && Number.isInteger(stepDays) && stepDays > 0;
      const last = known ? addDays(next, stepDays - 1) : null;
      part(step, "dates").textContent = known ? "From " + shortDate(next) + " until " + shortDate(last) + " (" + stepDays + (stepDays > 1 ? " days)" : " day)") : "Dates: fill in the days";
      next = last ? addDays(last, 1) : null;
    }
    const last = next && own(section, "steps").children.length ? addDays(next, -1) : null;
    own(section, "last-hint").textContent = last ? "Worked out from the days: " + fromIso(last) + ". Type it only to check it against the prescription (MM/DD/YYYY)." : "Worked out from the days at each dose (MM/DD/YYYY).";
    return last;
  }

  // A taper step, copying the step before (or the full dose); returns the control to focus.
  addStep(section) {
    const topic = this.topicOf(section);
    if (!topic) return own(section, "medicine");
    const steps = own(section, "steps");
    const value = (name) => own(section, name).value;
    const before = steps.children.length ? stepValues(steps.lastElementChild) : { days: "", times: value("times"), strength: value("strength"), dose: value("dose"), slots: readSlots(own(section, "slots")) };
    const step = makeStep(steps, topic.medicine, before);
    this.renumber();
    this.stepsChanged(section);
    this.showDates(section);
    return part(step, "days");
  }

  // The dose chosen before the strength: the only strength that makes it is chosen too.
  doseChanged(select, strength, topic) {
    const made = strengthsFor(topic.medicine, select.value);
    if (strength.value || made.length !== 1) return;
    strength.value = made[0];
    fillDoses(select, topic.medicine, strength.value, select.value);
  }

  // Fill the group from an order's prescription (POST /api/fhir/form), taper dates as days at each dose.
  fill(section, rx) {
    const medicine = this.topicOf(section).medicine;
    const set = (name, value) => (own(section, name).value = value === undefined || value === null ? "" : String(value));
    if (rx.strength_mg) fillStrengths(own(section, "strength"), medicine, rx.strength_mg);
    fillDoses(own(section, "dose"), medicine, own(section, "strength").value, rx.dose_mg);
    set("times", rx.times_per_day);
    set("days", rx.days_supply);
    set("start", rx.start && fromIso(rx.start));
    set("refills", rx.refills);
    const how = rx.as_needed ? "how-needed" : rx.every_hours ? "how-every" : "how-times";
    own(section, how).checked = true;
    this.showHow(section);
    set("every", rx.every_hours);
    if (rx.as_needed_for) set("reason", rx.as_needed_for);
    if (rx.times) setTimes(own(section, "slots"), rx.times);
    else this.timesChanged(section);
    const taper = rx.taper || [];
    taper.forEach((one, index) => {
      const ends = index + 1 < taper.length ? taper[index + 1].from : rx.last_day && addDays(rx.last_day, 1);
      const days = ends ? Math.round((Date.parse(ends) - Date.parse(one.from)) / 86400000) : "";
      makeStep(own(section, "steps"), medicine, { days: String(days), times: String(one.times_per_day), strength: String(one.strength_mg || own(section, "strength").value), dose: String(one.dose_mg), slots: one.times || usualTimes(this.topicOf(section), one.times_per_day) || [] });
    });
    this.renumber();
    this.stepsChanged(section);
    this.showDates(section);
  }

  // Remove a taper step; returns what should take the focus.
  removeStep(step) {
    const section = step.closest(".medicine");
    const next = step.nextElementSibling;
    step.remove();
    this.renumber();
    this.stepsChanged(section);
    this.showDates(section);
    return next ? part(next, "days") : own(section, "add-step");
  }

  titles() {
    return this.sections().map((section) => (this.topicOf(section) || { title: "?" }).title);
  }

  // Every group as the API's prescription, and the problems the page finds itself.
  read(readNumber, readDate, problems) {
    return this.first ? this.sections().map((section) => this.readOne(section, readNumber, readDate, problems)) : [];
  }

  readOne(section, readNumber, readDate, problems) {
    const topic = this.topicOf(section);
    const how = this.how(section);
    const amount = (control) => (control.value ? Number(control.value) : undefined);
    const rx = {
      medicine: topic ? topic.medicine.name : undefined,
      strength_mg: amount(own(section, "strength")),
      dose_mg: amount(own(section, "dose")),
      times_per_day: readNumber(own(section, "times"), problems),
      start: readDate(own(section, "start"), problems),
      days_supply: readNumber(own(section, "days"), problems),
      refills: readNumber(own(section, "refills"), problems),
    };
    if (how === "times") {
      rx.times = this.readTimes(own(section, "slots"), topic, rx.times_per_day, problems);
    } else {
      rx.every_hours = readNumber(own(section, "every"), problems);
      if (how === "every" && rx.every_hours === undefined && !own(section, "every").validity.badInput) {
        problems.push({ field: own(section, "every").dataset.field, message: "Required: fill this in.", own: true });
      }
      if (how === "needed") rx.as_needed = true;
      if (how === "needed" && own(section, "reason").value) rx.as_needed_for = own(section, "reason").value;
    }
    rx.taper = [...own(section, "steps").children].map((step) => {
      const times = readNumber(part(step, "times"), problems);
      return {
        days: readNumber(part(step, "days"), problems),
        strength_mg: amount(part(step, "strength")),
        dose_mg: amount(part(step, "dose")),
        times_per_day: times,
        times: how === "times" ? this.readTimes(step.querySelector(".slots"), topic, times, problems) : undefined,
      };
    });
    const last = readDate(own(section, "last"), problems);
    if (last && rx.taper.length) rx.last_day = last;
    return rx;
  }

  // The ticked times; none ticked is a problem when the topic has usual times for that many doses (else the
  // server says what to do, e.g. doses every so many hours for 5 a day).
  readTimes(box, topic, count, problems) {
    const times = readSlots(box);
    if (times.length) return times;
    if (usualTimes(topic, count)) problems.push({ field: firstBox(box).dataset.field, message: "Tick when each dose is taken.", own: true });
    return undefined;
  }
}
