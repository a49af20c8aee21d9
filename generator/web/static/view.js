// Where outcomes land on screen: in view, never under the sticky "Make leaflet" bar.

// Bring `element` fully into view (below nothing sticky): every outcome of Make and Send is seen where it lands.
export function intoView(element) {
  if (element && element !== document.body) element.scrollIntoView({ block: "nearest" });
  uncover(element);
}

// A focused control never sits under the sticky "Make leaflet" bar, at any zoom (WCAG 2.4.12).
export function uncover(element) {
  const bar = document.querySelector("form > .actions");
  if (!element || !element.getBoundingClientRect || bar.contains(element) || getComputedStyle(bar).position !== "sticky") return;
  const box = element.getBoundingClientRect();
  const top = bar.getBoundingClientRect().top;
  if (box.bottom > top && box.top < bar.getBoundingClientRect().bottom) window.scrollBy(0, box.bottom - top + 8);
}
