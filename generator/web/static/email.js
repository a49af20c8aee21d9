// "Send by email": the leaflet made, emailed to the address typed (POST /api/leaflets/email). What became of it and
// the PDF code appear right under Send, in view, focused and read out, and stay until the next patient; sending
// the same leaflet again asks first, since a new email goes with a new code.

import { api } from "./access.js";
import { clearErrors, showErrors } from "./errors.js";
import { intoView } from "./view.js";

const $ = (id) => document.getElementById(id);

export class Emailer {
  // current(): the leaflet made ({body}) or null; busy(): whether a request is on its way; setBusy(on, button,
  // label) and failure(response) as the page has them.
  constructor({ current, busy, setBusy, failure }) {
    Object.assign(this, { current, busy, setBusy, failure });
    this.emailed = null; // the leaflet last emailed
  }

  listen() {
    $("send-email").addEventListener("click", () => this.clicked());
    $("resend-yes").addEventListener("click", () => this.send());
    $("resend-no").addEventListener("click", () => {
      $("resend-box").hidden = true;
      $("send-email").focus();
    });
  }

  say(text) {
    const box = $("email-result");
    box.textContent = text;
    intoView(box);
    box.focus({ preventScroll: true });
  }

  async clicked() {
    const made = this.current();
    if (this.busy() || !made) return;
    if (this.emailed === made) {  // the same leaflet again: ask first, a new code goes with it
      $("resend-box").hidden = false;
      $("resend-yes").focus();
      return;
    }
    await this.send();
  }

  async send() {
    const made = this.current();
    $("resend-box").hidden = true;
    clearErrors();
    this.setBusy(true, $("send-email"), "Sending…");
    this.say("Sending the email…");
    let response;
    try {
      const body = JSON.stringify(Object.assign({ to: $("email-to").value.trim() }, made.body));
      response = await api("/api/leaflets/email", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    } catch (error) {
      response = null;
    }
    this.setBusy(false, $("send-email"));
    if (!response || !response.ok) {
      const result = response ? await this.failure(response) : { error: "The server could not be reached. Try again.", errors: [] };
      $("email-result").textContent = "The email was not sent.";
      showErrors(result.errors || [], result.error);
      intoView(document.activeElement);
      return;
    }
    const result = await response.json();
    this.emailed = made;
    this.say(result.sent.map((one) => one.title + ": email " + one.outcome +
      (one.code ? ". PDF code (give it by phone or in person, never by email): " + one.code : "")).join(". ") + ".");
  }

  // The next patient: nothing of this one's email stays on the page.
  forget() {
    this.emailed = null;
    $("email-result").textContent = "";
    $("resend-box").hidden = true;
  }
}
