// The line under each prescription: what the leaflet's dose schedule will say, in its words. The page asks
// the server (POST /api/schedule), which words it with the functions that print the leaflet, so the page
// never words a dose itself and the line cannot drift from the leaflet.

const PAUSE_MS = 200; // ask once typing pauses

function complete(rx) {
  const step = (one) => one.dose_mg && one.times_per_day;
  return Boolean(rx.medicine && step(rx) && rx.start && rx.days_supply && rx.taper.every((one) => one.days && step(one)));
}

// "(5 days)" for a row printed from Dec 8, 2026 until Dec 12, 2026.
function length(start, end) {
  const days = Math.round((Date.parse(end) - Date.parse(start)) / 86400000) + 1;
  return Number.isFinite(days) ? " (" + days + (days === 1 ? " day)" : " days)") : "";
}

// "1 tablet of 350 mg each time in the morning and at bedtime, from Dec 6, 2026 until Dec 12, 2026. Do not
// take more than ..." from the schedule's rows (header first) as the leaflet prints them.
export function summaryText(schedule) {
  const [header, ...rows] = schedule.rows;
  const [from, until] = [header[0].toLowerCase(), header[1].toLowerCase()];
  const lines = rows.map(([start, end, howMuch, when]) => {
    const [often, ...most] = when.split("\n");
    if (rows.length === 1) return howMuch + " " + often + ", " + from + " " + start + " " + until + " " + end + ".";
    return header[0] + " " + start + " " + until + " " + end + length(start, end) + ": " + howMuch + " " + often + ". " + most.map((line) => line + ".").join(" ");
  });
  if (rows.length === 1) lines.push(schedule.daily_limit);
  if (schedule.refills) lines.push(schedule.refills + ".");
  return lines.join(" ");
}

export class Summaries {
  constructor(api) {
    this.api = api;
    this.turns = new WeakMap(); // per line: an answer to an older question is dropped
    this.timers = new WeakMap();
  }

  // Say what the leaflet will say for `rx` (empty while a part is missing, or when it could not be made).
  update(line, rx, problems, layout) {
    const turn = (this.turns.get(line) || 0) + 1;
    this.turns.set(line, turn);
    clearTimeout(this.timers.get(line));
    if (!complete(rx) || problems.length) {
      line.textContent = "";
      return;
    }
    this.timers.set(line, setTimeout(async () => {
      let text = "";
      try {
        const body = JSON.stringify({ prescription: rx, layout });
        const response = await this.api("/api/schedule", { method: "POST", headers: { "Content-Type": "application/json" }, body });
        if (response.ok) text = summaryText(await response.json());
      } catch (error) {
        text = "";
      }
      if (this.turns.get(line) === turn) line.textContent = text;
    }, PAUSE_MS));
  }
}
