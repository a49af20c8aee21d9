"""Paragraphs that are parsed and broken into lines once.

Platypus wraps a paragraph several times at the same width (a box measures its content,
a table sizes its cells, a frame asks again before drawing, the page-1 intro is measured
before layout). Line breaking is a pure function of the markup, the style and the width,
so the result of the first wrap at a width is kept on the paragraph and reused.

Paragraphs also share their parsed markup and their line breaks across leaflets, through
a bounded LRU cache keyed by the class, the markup, every value of the style and the
bullet: the same text in the same style is parsed once per process, not once per leaflet.
A paragraph that splits (which edits its fragments and lines in place) first takes its
own copies. Nothing is keyed by identity, so edited content or
layouts can only miss the cache, never hit a stale entry; `clear()` drops it all (a new
Generator does, when content or layouts are loaded). The drawn lines, and so the PDF
bytes, are the same as without the cache.
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

MAX_PARAGRAPHS = 4096
"""Most paragraphs kept across leaflets (a leaflet has a few hundred; each entry is a few KiB)."""

_Wrapped = tuple[float, float, Any, Any]
"""width, height, the broken lines (ParaLines) and the line widths they were broken for."""


@dataclass
class _Entry:
    state: dict[str, Any]
    """The paragraph's attributes right after parsing (frags, text, bullet)."""
    wrapped: dict[float, _Wrapped] = field(default_factory=dict)


class _LRU:
    """A thread-safe least-recently-used map with at most `limit` entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> _Entry | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
            return entry

    def put(self, key: tuple[Any, ...], entry: _Entry) -> None:
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_cache = _LRU(MAX_PARAGRAPHS)
_style_keys: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
"""Each style object's number (below), found once per object."""
_style_numbers: dict[tuple[Any, ...], int] = {}
"""A number for each distinct set of style values (a few per layout), so a cache key is cheap to hash."""
_style_lock = threading.Lock()


def clear() -> None:
    """Forget every shared paragraph (content or layouts were loaded anew)."""
    _cache.clear()


def cached_paragraphs() -> int:
    """How many paragraphs the cache holds now."""
    return len(_cache)


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def style_key(style: Any) -> int:
    """A number standing for every value of a ParagraphStyle (its name and parent aside): equal styles get
    the same number. Found once per style object: styles are made per leaflet and never changed after
    their first paragraph."""
    key = _style_keys.get(style)
    if key is None:
        items = style.__dict__.items()
        values = tuple((name, _hashable(value)) for name, value in items if name not in ("name", "parent"))
        with _style_lock:
            key = _style_numbers.setdefault(values, len(_style_numbers))
        _style_keys[style] = key
    return key


def parsed_fragments(markup: str, style: Any, parse: Any) -> Any:
    """The fragments `parse(markup, style)` gives (a paragraph's markup set anew for a width, generator.render.text),
    parsed once per process and shared like a cached paragraph's (a split takes its own copies)."""
    key = ("fragments", markup, style_key(style))
    entry = _cache.get(key)
    if entry is None:
        entry = _Entry({"frags": parse(markup, style)})
        _cache.put(key, entry)
    return entry.state["frags"]


class MemoWrap:
    """Mixin for a ReportLab Paragraph: parsed once per markup and style, lines broken once per width."""

    def __init__(self, text: str, style: Any, bulletText: Any = None, **kwargs: Any) -> None:  # noqa: N803
        if kwargs:  # made from fragments (the second half of a split): nothing to share
            super().__init__(text, style, bulletText=bulletText, **kwargs)  # type: ignore[call-arg]
            return
        key = (type(self), text, style_key(style), _hashable(bulletText))
        entry = _cache.get(key)
        if entry is None:
            super().__init__(text, style, bulletText=bulletText)  # type: ignore[call-arg]
            entry = _Entry(dict(self.__dict__))
            _cache.put(key, entry)
        else:
            self.__dict__.update(entry.state)
            self.style = style  # equal in every value to the cached paragraph's style
        self._wrap_memo = entry.wrapped
        self._shared = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's name)
        memo: dict[float, _Wrapped] = self.__dict__.setdefault("_wrap_memo", {})
        kept = memo.get(availWidth)
        if kept is not None:
            self.width, self.height, self.blPara, self._wrapWidths = kept
            return kept[0], kept[1]
        width, height = super().wrap(availWidth, availHeight)  # type: ignore[misc]
        lines = self.__dict__.get("blPara")
        if lines is not None:  # a width too narrow to set any text leaves no lines to keep
            memo[availWidth] = (width, height, lines, self._wrapWidths)
        return width, height

    def split(self, availWidth: float, availHeight: float) -> Any:  # noqa: N803 (ReportLab's name)
        if self.__dict__.pop("_shared", False):  # splitting edits fragments and lines in place: use own copies
            state = self.__dict__
            state["frags"], lines = copy.deepcopy((self.frags, state.get("blPara")))
            if lines is not None:
                state["blPara"] = lines
            self._wrap_memo = {}
        return super().split(availWidth, availHeight)  # type: ignore[misc]
