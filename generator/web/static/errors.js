// Showing problems: each on its field (all of them, every message read with the field), or one in
// plain words next to the Make button, which takes focus.

import { controlFor, plainWords } from "./wording.js";

const generalBox = () => document.getElementById("form-error");

export function clearErrors() {
  generalBox().hidden = true;
  generalBox().textContent = "";
  for (const old of document.querySelectorAll(".error")) old.remove();
  for (const control of document.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    if (control.dataset.help) control.setAttribute("aria-describedby", control.dataset.help);
    else control.removeAttribute("aria-describedby");
  }
}

export function showGeneral(message) {
  generalBox().textContent = message;
  generalBox().hidden = false;
  generalBox().focus();
}

function inOrder(a, b) {
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

// problems: [{field, message, own}] (own: worded by the page already). Returns how many were shown on fields.
export function showErrors(problems, fallback) {
  const general = [];
  const shown = [];
  problems.forEach((problem, number) => {
    const control = controlFor(problem.field);
    if (!control || control.closest("[hidden]")) {
      general.push(plainWords(problem.message, null));
      return;
    }
    if (!control.hasAttribute("aria-invalid")) {
      control.dataset.help = control.getAttribute("aria-describedby") || "";
      control.setAttribute("aria-invalid", "true");
    }
    const note = document.createElement("p");
    note.className = "error";
    note.id = "error-" + control.id + "-" + number;
    note.textContent = problem.own ? problem.message : plainWords(problem.message, control);
    control.closest(".field").appendChild(note);
    const describedBy = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    control.setAttribute("aria-describedby", describedBy.concat(note.id).join(" "));
    shown.push(control);
  });
  if (general.length || !shown.length) {
    generalBox().textContent = general.length ? general.join(" ") : fallback;
    generalBox().hidden = false;
  }
  shown.sort(inOrder);
  if (shown.length) shown[0].focus();
  else generalBox().focus();
  return shown.length;
}
