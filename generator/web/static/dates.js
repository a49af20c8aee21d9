// Dates as staff type and read them: MM/DD/YYYY (one text field each, the format shown beside it).
// The API takes and gives ISO dates (YYYY-MM-DD); staff never see those.

export const DATE_FORMAT = "MM/DD/YYYY";
const TYPED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function valid(year, month, day) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function pad(number, width) {
  return String(number).padStart(width, "0");
}

// "11/24/2026" (or an ISO date) -> "2026-11-24"; null when it is not a calendar date in the form's format.
export function toIso(text) {
  const typed = TYPED.exec(text.trim());
  const iso = typed ? null : ISO.exec(text.trim());
  if (!typed && !iso) return null;
  const [year, month, day] = typed ? [+typed[3], +typed[1], +typed[2]] : [+iso[1], +iso[2], +iso[3]];
  return valid(year, month, day) ? pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) : null;
}

// "2026-11-24" -> "11/24/2026".
export function fromIso(iso) {
  const found = ISO.exec(iso);
  return found ? found[2] + "/" + found[3] + "/" + found[1] : iso;
}

// Every ISO date inside a message, in the form's format.
export function datesInText(text) {
  return text.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (all) => fromIso(all));
}

// The ISO date `days` days after an ISO date.
export function addDays(iso, days) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return pad(date.getUTCFullYear(), 4) + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2);
}
