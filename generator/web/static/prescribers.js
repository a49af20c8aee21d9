// Saved prescribers (name and phone only, never patient data): the clinic config's list, plus
// those saved on this computer (the browser's local storage).

const KEY = "handout-prescribers";

function saved() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list.filter((p) => p && typeof p.name === "string") : [];
  } catch (error) {
    return [];
  }
}

export class Prescribers {
  constructor(fromClinic, select, name, phone, forget) {
    Object.assign(this, { fromClinic, select, name, phone, forget });
    select.addEventListener("change", () => this.pick());
    this.render();
  }

  all() {
    const clinic = this.fromClinic.map((p) => Object.assign({ local: false }, p));
    const known = new Set(clinic.map((p) => p.name));
    return clinic.concat(saved().filter((p) => !known.has(p.name)).map((p) => Object.assign({ local: true }, p)));
  }

  render() {
    const keep = this.select.value;
    this.select.textContent = "";
    const none = document.createElement("option");
    none.value = "";
    none.textContent = "Type a new one below";
    this.select.appendChild(none);
    for (const person of this.all()) {
      const item = document.createElement("option");
      item.value = person.name;
      item.textContent = person.name + (person.phone ? ", " + person.phone : "");
      this.select.appendChild(item);
    }
    this.select.value = [...this.select.options].some((o) => o.value === keep) ? keep : "";
    this.select.closest(".field").hidden = this.select.options.length < 2;
    this.showForget();
  }

  showForget() {
    const chosen = this.all().find((p) => p.name === this.select.value);
    this.forget.hidden = !(chosen && chosen.local);
  }

  pick() {
    const chosen = this.all().find((p) => p.name === this.select.value);
    if (chosen) {
      this.name.value = chosen.name;
      this.phone.value = chosen.phone || "";
    }
    this.showForget();
  }

  // Save the prescriber typed in; returns a sentence saying what was done.
  save() {
    const name = this.name.value.trim();
    if (!name) return "Type the prescriber's name first.";
    const list = saved().filter((p) => p.name !== name);
    list.push({ name, phone: this.phone.value.trim() });
    localStorage.setItem(KEY, JSON.stringify(list));
    this.render();
    this.select.value = name;
    this.showForget();
    return "Saved " + name + " on this computer.";
  }

  forgetChosen() {
    const name = this.select.value;
    localStorage.setItem(KEY, JSON.stringify(saved().filter((p) => p.name !== name)));
    this.render();
    return "Forgot " + name + ".";
  }
}
