// "Import order (FHIR)": a Bundle or MedicationRequest (a file chosen or dropped, or text pasted) is read by the
// server exactly as POST /api/fhir/handouts reads it (POST /api/fhir/form) and fills the form. The page then says
// what came from the order and asks, on their fields, for what the order lacks (a bare MedicationRequest's
// patient name or prescriber). An order the server refuses is refused with its messages, each named by the order's
// element it is about (not its whole FHIR path); the form is left as it was.

const MISSING = "Not in the order: fill this in.";

// What the order gave, in a receptionist's words ("patient Maria Lopez" is never said: the page shows the fields).
export function orderWords(form, titles) {
  const parts = [];
  if (form.patient.name) parts.push("the patient");
  if (form.prescriber.name) parts.push("the prescriber");
  parts.push(titles.join(" and ") + (form.prescriptions.some((rx) => rx.taper && rx.taper.length) ? " with its steps to lower the dose" : ""));
  const last = parts.pop();
  return "Filled in from the order: " + (parts.length ? parts.join(", ") + " and " + last : last) + ". Check each field before you make the leaflet.";
}

// "MedicationRequest.dispenseRequest.quantity (prescription.x)" -> "quantity: ".
function element(path) {
  const name = (path || "").replace(/\s*\(.*\)$/, "").split(".").pop().replace(/\[\d+\]$/, "");
  return name ? name + ": " : "";
}

export class OrderImport {
  // api: the page's fetch; fill(form) fills the form and returns the medicine titles; ask(fields, message) marks the
  // fields the order lacks; refuse(message) says why the order was not read.
  constructor({ api, fill, ask, refuse, status }) {
    Object.assign(this, { api, fill, ask, refuse, status });
  }

  listen(fileInput, pasteBox, dropArea) {
    fileInput.addEventListener("change", () => fileInput.files[0] && this.readFile(fileInput.files[0]).then(() => (fileInput.value = "")));
    pasteBox.addEventListener("paste", (event) => {
      event.preventDefault();
      this.read(event.clipboardData.getData("text"));
    });
    pasteBox.addEventListener("change", async () => {  // typed or pasted another way: read when it is left
      if (pasteBox.value.trim() && (await this.read(pasteBox.value))) pasteBox.value = "";
    });
    dropArea.addEventListener("dragover", (event) => {
      if ([...event.dataTransfer.types].includes("Files")) event.preventDefault();
    });
    dropArea.addEventListener("drop", (event) => {
      if (!event.dataTransfer.files.length) return;
      event.preventDefault();
      this.readFile(event.dataTransfer.files[0]);
    });
  }

  async readFile(file) {
    await this.read(await file.text());
  }

  // Fill the form from the order's text; whether it was read.
  async read(text) {
    this.status.textContent = "Reading the order…";
    let response;
    try {
      response = await this.api("/api/fhir/form", { method: "POST", headers: { "Content-Type": "application/fhir+json" }, body: text });
    } catch (error) {
      this.refuse("The server could not be reached, so the order was not read. Check the network connection, then try again.");
      return false;
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (error) {
      answer = null;
    }
    if (!response.ok || !answer) {
      const messages = answer && answer.errors && answer.errors.length ? answer.errors.map((one) => element(one.field) + one.message) : [];
      const why = messages.length ? messages.join("; ") : answer && answer.error ? answer.error : "the server answered " + response.status;
      this.refuse("The order was not read, so the form was not filled: " + why + (why.endsWith(".") ? "" : "."));
      return false;
    }
    const titles = this.fill(answer);
    if (!titles) return false;
    this.status.textContent = orderWords(answer, titles);
    this.ask(answer.missing, MISSING);
    return true;
  }
}
