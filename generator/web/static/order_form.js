// An order read by the server (POST /api/fhir/form) put into the form: the leaflets, each medicine's group, the
// patient and the prescriber. What the order does not give is left empty (the page asks for it).

import { fromIso } from "./dates.js";

const $ = (id) => document.getElementById(id);

function setValue(id, value) {
  $(id).value = value === undefined || value === null ? "" : String(value);
}

// Fill the form from `order`; returns the medicines' titles, or null (nothing changed) when the page has no leaflet
// for one of them. `page`: the catalog, the lists of leaflets and medicines, and what to do before and after.
export function fillForm(order, { catalog, leaflets, medicines, clear, done }) {
  const topics = order.topics.map((name) => leaflets.topicOf(name));
  if (topics.some((topic) => !topic)) {
    return null;
  }
  clear();
  leaflets.clear();
  leaflets.selects()[0].value = topics[0].name;
  medicines.clear();
  medicines.sync(topics[0]);
  for (const topic of topics.slice(1)) {
    const select = medicines.add();
    select.value = topic.name;
    medicines.setMedicine(select.closest(".medicine"), topic);
  }
  medicines.renumber();
  medicines.sections().forEach((section, index) => medicines.fill(section, order.prescriptions[index]));
  setValue("patient-name", order.patient.name);
  setValue("patient-preferred", order.patient.preferred_name);
  setValue("patient-age", "");
  setValue("patient-dob", order.patient.date_of_birth && fromIso(order.patient.date_of_birth));
  if (order.patient.language && catalog.languages.some((one) => one.code === order.patient.language)) $("language").value = order.patient.language;
  $("saved-prescriber").value = "";
  setValue("prescriber-name", order.prescriber.name);
  setValue("prescriber-phone", order.prescriber.phone);
  leaflets.languageNotes();
  done();
  return topics.map((topic) => topic.title);
}
