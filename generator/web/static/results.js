// What the page shows with a leaflet made: its heading (who, which medicine, language, layout), the staff
// warnings (what to do first, the reason behind "Why?") and the content status, all from the server's answer.

import { warningWords } from "./wording.js";

const $ = (id) => document.getElementById(id);

// "Leaflet ready for Mari: Carisoprodol (Soma), English, Standard leaflet".
export function readyHeading(data, titles, language, layout) {
  const layoutTitle = layout ? layout.title.split(/[:(]/)[0].trim() : data.layout;
  return "Leaflet ready for " + (data.patient.preferred_name || data.patient.name) + ": " + titles + ", " + language + ", " + layoutTitle;
}

// Each staff warning says what to do first; its reason and source are behind a "Why?" button. The page may add
// the age it holds (the server's warnings never carry patient data).
export function showWarnings(response, data) {
  let warnings = [];
  try {
    warnings = JSON.parse(response.headers.get("X-Handout-Warnings") || "[]");
  } catch (error) {
    warnings = [];
  }
  const list = $("warning-list");
  list.textContent = "";
  warnings.forEach((warning, index) => {
    const item = document.createElement("li");
    const action = document.createElement("span");
    const age = /^patient\./.test(warning.field) && data.patient.age !== undefined ? " The form says age " + data.patient.age + "." : "";
    action.textContent = warningWords(warning) + age;
    item.appendChild(action);
    if (warning.why) {
      const why = document.createElement("p");
      why.className = "why";
      why.id = "why-" + index;
      why.hidden = true;
      why.textContent = warning.why;
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "small why-toggle";
      toggle.textContent = "Why?";
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", why.id);
      toggle.addEventListener("click", () => {
        why.hidden = !why.hidden;
        toggle.setAttribute("aria-expanded", String(!why.hidden));
      });
      item.append(" ", toggle, why);
    }
    list.appendChild(item);
  });
  $("warnings").hidden = warnings.length === 0;
  return warnings.length;
}

// The content status of what was made (X-Handout-Content), in plain words beside the Print button.
export function showContent(response) {
  const box = $("content-status");
  let content = null;
  try {
    content = JSON.parse(response.headers.get("X-Handout-Content") || "null");
  } catch (error) {
    content = null;
  }
  box.textContent = content ? content.text + "." : "";
  box.classList.toggle("draft", Boolean(content && !content.approved));
  box.hidden = !content;
}
