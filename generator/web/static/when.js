// When each dose is taken at set times of day: a box for each time of day (morning, midday, evening,
// bedtime), with an optional meal for the first three. Ticked by default at the topic's usual times for the
// doses a day (its default_times from GET /api/topics); sent as the API names them (morning, with-dinner).

export const SLOTS = [
  { name: "morning", title: "Morning", meal: "breakfast" },
  { name: "midday", title: "Midday", meal: "lunch" },
  { name: "evening", title: "Evening", meal: "dinner" },
  { name: "bedtime", title: "Bedtime", meal: null },
];
const MEAL_SLOT = { breakfast: "morning", lunch: "midday", dinner: "evening" };

function element(tag, attributes = {}, text = "") {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

// The slot a dose time falls in: with-breakfast is in the morning.
export function slotOf(time) {
  return SLOTS.some((slot) => slot.name === time) ? time : MEAL_SLOT[time.split("-").pop()];
}

// The boxes, added to `box` (a .slots element); the first box carries the field name `rel` (errors land on it).
export function makeSlots(box, rel) {
  for (const slot of SLOTS) {
    const cell = element("div", { class: "slot" });
    const check = element("span", { class: "check" });
    const tick = element("input", { type: "checkbox", "data-slot": slot.name });
    if (slot === SLOTS[0]) tick.dataset.rel = rel;
    check.append(tick, element("label", {}, slot.title));
    cell.appendChild(check);
    if (slot.meal) {
      const meal = element("select", { "data-meal": slot.name, hidden: "" });
      meal.append(element("option", { value: "" }, "any time"));
      for (const when of ["before", "with", "after"]) {
        meal.append(element("option", { value: when + "-" + slot.meal }, when + " " + slot.meal));
      }
      cell.append(element("label", { class: "sr-only" }, slot.title + " dose: with a meal?"), meal);
    }
    box.appendChild(cell);
  }
}

// Ids for the boxes of `box`: `id("slot-morning")` gives each element's id.
export function setSlotIds(box, id) {
  for (const cell of box.querySelectorAll(".slot")) {
    const tick = cell.querySelector("[data-slot]");
    tick.id = id("slot-" + tick.dataset.slot);
    cell.querySelector(".check label").htmlFor = tick.id;
    const meal = cell.querySelector("[data-meal]");
    if (meal) {
      meal.id = id("meal-" + meal.dataset.meal);
      cell.querySelector(".sr-only").htmlFor = meal.id;
    }
  }
}

// Tick the usual times for `count` doses a day (none when the topic has none for that many).
export function setUsual(box, topic, count) {
  setTimes(box, usualTimes(topic, count) || []);
}

// Tick `times` (as the API names them: morning, with-dinner ...) and nothing else.
export function setTimes(box, times) {
  for (const tick of box.querySelectorAll("[data-slot]")) {
    const time = times.find((one) => slotOf(one) === tick.dataset.slot);
    tick.checked = Boolean(time);
    const meal = tick.closest(".slot").querySelector("[data-meal]");
    if (meal) meal.value = time && time !== tick.dataset.slot ? time : "";
  }
  showMeals(box);
}

export function usualTimes(topic, count) {
  return topic ? topic.default_times.find((times) => times.length === count) || null : null;
}

// A meal choice only beside a ticked time of day.
export function showMeals(box) {
  for (const tick of box.querySelectorAll("[data-slot]")) {
    const meal = tick.closest(".slot").querySelector("[data-meal]");
    if (meal) meal.hidden = !tick.checked;
  }
}

// The ticked times, in the order of the day, as the API names them.
export function readSlots(box) {
  return [...box.querySelectorAll("[data-slot]")]
    .filter((tick) => tick.checked)
    .map((tick) => {
      const meal = tick.closest(".slot").querySelector("[data-meal]");
      return meal && meal.value ? meal.value : tick.dataset.slot;
    });
}

export function firstBox(box) {
  return box.querySelector("[data-slot]");
}
