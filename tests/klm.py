"""A receptionist's work on the desk page, done in a real browser and counted: actions (a click, a key chord, a
file drop) and a keystroke-level model (KLM) estimate of the time they take.

KLM operators (Card, Moran and Newell 1980; Kieras, "Using the Keystroke-Level Model to Estimate Execution Times",
2001): K a key or button press (0.28 s, an average non-secretary typist), P point with the mouse (1.1 s), B mouse
button press or release (0.1 s), H move a hand between mouse and keyboard (0.4 s), M mentally prepare (1.35 s)
before each action that needs a decision (a field, a choice, a command), not before each letter typed.
The server's own time is not counted: it is the same however the form was filled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SECONDS = {"K": 0.28, "P": 1.1, "B": 0.1, "H": 0.4, "M": 1.35}


class Receptionist:
    """Drives `page` as a person would and keeps count."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.actions: list[str] = []
        self.operators: list[str] = []
        self.hand = "mouse"

    def _use(self, hand: str, *operators: str) -> None:
        if hand != self.hand:
            self.operators.append("H")
            self.hand = hand
        self.operators.extend(operators)

    @property
    def seconds(self) -> float:
        """The KLM estimate of everything done so far."""
        return round(sum(SECONDS[operator] for operator in self.operators), 2)

    def click(self, selector: str) -> None:
        """Point at a control and click it."""
        self._use("mouse", "M", "P", "B", "B")
        self.actions.append(f"click {selector}")
        self.page.click(selector)

    def choose(self, selector: str, value: str) -> None:
        """Open a list and click one of its options: two clicks."""
        self.click(selector)
        self._use("mouse", "P", "B", "B")
        self.actions.append(f"click {selector} option")
        self.page.select_option(selector, value)

    def type_into(self, selector: str, text: str) -> None:
        """Click a field, then type `text` (each letter a key press and an action)."""
        self.click(selector)
        self._use("keyboard", *("K" * len(text)))
        self.actions.extend(f"key {letter}" for letter in text)
        self.page.locator(selector).press_sequentially(text)

    def type_over(self, selector: str, text: str) -> None:
        """Click a field that holds a value, select it all (Ctrl+A), then type `text` over it."""
        self.click(selector)
        self.press("Control+A")
        self._use("keyboard", *("K" * len(text)))
        self.actions.extend(f"key {letter}" for letter in text)
        self.page.keyboard.type(text)

    def press(self, chord: str) -> None:
        """One key or key chord (Enter, Control+P)."""
        self._use("keyboard", "M", "K")
        self.actions.append(f"key {chord}")
        self.page.keyboard.press(chord)

    def drop(self, path: Path, target: str = "body") -> None:
        """Drag a file from the desktop onto the page: point, press, drag, release."""
        self._use("mouse", "M", "P", "B", "P", "B")
        self.actions.append(f"drop {path.name}")
        transfer = self.page.evaluate_handle(
            """([name, text]) => {
                const transfer = new DataTransfer();
                transfer.items.add(new File([text], name, { type: "application/json" }));
                return transfer;
            }""",
            [path.name, path.read_text(encoding="utf-8")],
        )
        self.page.dispatch_event(target, "dragover", {"dataTransfer": transfer})
        self.page.dispatch_event(target, "drop", {"dataTransfer": transfer})
