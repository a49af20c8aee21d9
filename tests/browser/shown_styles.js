// What Chromium's computed styles do to each text of the page: every text node in <body> whose element is not
// visible, smaller than 16 px, clipped away, translucent or below 4.5:1 contrast against the colour behind it.
() => {
  const channels = (value) => (value.match(/[\d.]+/g) || []).map(Number);
  const luminance = (rgb) =>
    rgb
      .map((c) => c / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = channels(getComputedStyle(e).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const clipped = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      if (style.clipPath !== "none" || (style.overflow !== "visible" && (box.width < 2 || box.height < 2))) return true;
    }
    return false;
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const element = node.parentElement;
    const style = getComputedStyle(element);
    const ink = channels(style.color);
    const [light, dark] = [luminance(ink.slice(0, 3)), luminance(behind(element))].sort((a, b) => b - a);
    const reasons = [];
    if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) reasons.push("not visible");
    if (parseFloat(style.fontSize) < 16) reasons.push(`font-size ${style.fontSize}`);
    if (clipped(element)) reasons.push("clipped");
    if (ink.length === 4 && ink[3] < 1) reasons.push("translucent");
    if ((light + 0.05) / (dark + 0.05) < 4.5) reasons.push("contrast");
    if (reasons.length) found.push({ tag: element.tagName.toLowerCase(), header: !!element.closest("thead"), reasons });
  }
  return found;
}
