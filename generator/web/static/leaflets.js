// The leaflets chosen for one patient, in print order: each a labelled select listing the topics
// with their languages, removable, with a note when it is not in the chosen language.

export function option(select, value, text) {
  const item = document.createElement("option");
  item.value = value;
  item.textContent = text;
  select.appendChild(item);
}

export class Leaflets {
  constructor(catalog, list, addButton, language) {
    Object.assign(this, { catalog, list, addButton, language });
  }

  languageName(code) {
    const found = this.catalog.languages.find((l) => l.code === code);
    return found ? found.name : code;
  }

  topicOf(name) {
    return this.catalog.topics.find((t) => t.name === name) || null;
  }

  selects() {
    return [...this.list.querySelectorAll("select")];
  }

  add(value = "") {
    const row = document.createElement("li");
    row.className = "field topic-row";
    const label = document.createElement("label");
    const select = document.createElement("select");
    const note = document.createElement("p");
    note.className = "note";
    note.hidden = true;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small remove-topic";
    option(select, "", "Choose a leaflet…");
    for (const topic of this.catalog.topics) {
      option(select, topic.name, topic.title + " (" + topic.languages.map((code) => this.languageName(code)).join(", ") + ")");
      if (topic.medicine) select.lastElementChild.dataset.medicine = "yes";
    }
    select.value = value;
    const line = document.createElement("div");
    line.className = "topic-line";
    line.append(select, remove);
    row.append(label, line, note);
    this.list.appendChild(row);
    this.renumber();
    return select;
  }

  renumber() {
    const rows = [...this.list.children];
    rows.forEach((row, index) => {
      const select = row.querySelector("select");
      select.id = "topic-" + index;
      select.dataset.field = "topics[" + index + "]";
      row.querySelector("label").htmlFor = select.id;
      row.querySelector("label").textContent = rows.length > 1 ? "Leaflet " + (index + 1) : "Leaflet";
      row.querySelector(".note").id = "topic-note-" + index;
      const remove = row.querySelector(".remove-topic");
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove leaflet " + (index + 1));
      remove.hidden = rows.length < 2;
    });
    this.addButton.textContent = "Add another leaflet to print with it";
  }

  // Say beside each leaflet when it is not in the chosen language (never switch language silently).
  languageNotes() {
    const language = this.language.value;
    for (const select of this.selects()) {
      const note = select.closest("li").querySelector(".note");
      const topic = this.topicOf(select.value);
      const missing = topic && !topic.languages.includes(language);
      note.hidden = !missing;
      note.textContent = missing
        ? "Not available in " + this.languageName(language) + ": only in " +
          topic.languages.map((code) => this.languageName(code)).join(", ") + ". Choose that language, or another leaflet."
        : "";
      if (missing) select.setAttribute("aria-describedby", note.id);
      else select.removeAttribute("aria-describedby");
    }
  }

  // The chosen leaflet about a medicine (one at most), or null.
  medicineTopic() {
    return this.selects().map((s) => this.topicOf(s.value)).find((t) => t && t.medicine) || null;
  }

  clear() {
    this.list.textContent = "";
    this.add();
  }
}
