"""One handout, end to end: load -> select -> personalise -> render -> verify.

`Generator.build` is pure (inputs in, PDF bytes out), and `Generator.build_html` makes the
HTML version of the same leaflet; the CLI, batch and any other front end call them and
decide where the output goes.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field, replace

from generator.content.approvals import ApprovalBook, ContentRules, approval_date, require_approved
from generator.content.chain import ContentChain, content_chain, content_warnings
from generator.content.combinations import combination_warnings, load_classes
from generator.content.labels import Wording, load_wording
from generator.content.language_help import notice_lines
from generator.content.library import Library
from generator.content.notice_states import state_warnings
from generator.errors import InputError, TooLongError, VerifyError
from generator.html import render_html
from generator.inputs.personalisation import Clinic, Personalisation, check_age, in_list
from generator.inputs.selection import resolve_language, resolve_medicine_topics, resolve_topic
from generator.layouts import Layout, LayoutLibrary
from generator.medicines import Medicine, Part, combine
from generator.personalise import MOST_IMPORTANT_KIND, Leaflet, personalise, web_strip_form
from generator.prescription.cautions import staff_warnings
from generator.prescription.dosing import make_schedule
from generator.prescription.policy import ClinicPolicy
from generator.prescription.schedule import Schedule
from generator.render import paracache
from generator.render.document import render_pdf
from generator.verify import Expected, VisibilityRules, verify_pdf
from generator.verify.expect import (
    calendar_expectations,
    draft_expectations,
    drug_facts_expectations,
    generic_expectations,
    icon_array_expectations,
    language_help_expectations,
    leaflet_expectations,
    medicines_expectations,
    strip_expectations,
)
from generator.verify.html import verify_html

"""The block kind whose required sentences an email lists (the leaflet's page-1 summary)."""


@dataclass(frozen=True)
class HandoutRequest:
    """What to make: a topic for one patient, in a layout."""

    topic: str
    data: Personalisation
    clinic: Clinic
    made_on: dt.date
    layout: str = "standard"
    paper: str | None = None
    language: str | None = None
    grayscale: bool = False
    policy: ClinicPolicy = field(default_factory=ClinicPolicy)
    """The clinic's own rules (course length per topic)."""


@dataclass(frozen=True)
class Checks:
    """What the leaflet was verified against, so a copy (e.g. a protected one) can be verified the same way."""

    expected: tuple[Expected, ...]
    rules: VisibilityRules


@dataclass(frozen=True)
class Handout:
    """A finished, verified leaflet."""

    pdf: bytes
    pages: int
    language: str
    must_say: tuple[str, ...]
    key_warnings: tuple[str, ...]
    """The few warnings a cover note lists: the "most important" block's, else every required one."""
    warnings: tuple[tuple[str, str], ...]
    """(field, message) for staff to check before handing it out."""
    checks: Checks
    topics: tuple[str, ...]
    """The topics it is about: one, or each medicine's."""
    subject: str
    """Its title as the PDF's subject, e.g. "Methocarbamol: patient information"."""
    chain: ContentChain | None = None
    """The files it prints, their hashes, status and approvals, as its XMP records them."""

    def verify_copy(self, pdf: bytes, where: str, password: str | None = None) -> None:
        """Verify another rendition of this leaflet (e.g. encrypted) exactly as the original was."""
        verify_pdf(pdf, list(self.checks.expected), self.checks.rules, where, password)


@dataclass(frozen=True)
class HtmlHandout:
    """A finished, verified HTML version of a leaflet."""

    html: str
    language: str
    must_say: tuple[str, ...]
    warnings: tuple[tuple[str, str], ...]
    """(field, message) for staff to check before handing it out."""
    chain: ContentChain | None = None
    """The files it prints, their hashes, status and approvals (as the PDF's XMP records them)."""


@dataclass(frozen=True)
class _Several:
    """Several prescriptions checked: their topics and schedules, in order, the language and staff warnings."""

    topics: list[str]
    schedules: list[Schedule]
    language: str
    warnings: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Prepared:
    """A personalised leaflet, before rendering, and what it must show."""

    leaflet: Leaflet
    layout: Layout
    language: str
    must_say: tuple[str, ...]
    key_warnings: tuple[str, ...]
    warnings: tuple[tuple[str, str], ...]
    expected: tuple[Expected, ...]
    """What the PDF must show (with the dose calendar in layouts that print one)."""
    expected_html: tuple[Expected, ...]
    """What the HTML version must show (it has no dose calendar)."""
    max_pages: int | None = None
    """The most pages it may have: the layout's, for each medicine."""


class Generator:
    """Makes handouts from one content library and one folder of layouts (both cached)."""

    def __init__(self, library: Library, layouts: LayoutLibrary, content: ContentRules | None = None) -> None:
        """`content`: the least every leaflet is held to (a server's setting); a request may only be stricter."""
        paracache.clear()  # content or layouts loaded anew: shared paragraphs of the old ones are of no use
        self.library = library
        self.layouts = layouts
        self.content = content or ContentRules()
        self.approvals = ApprovalBook(library)
        self._checked_layouts: set[str] = set()

    def layout(self, name: str) -> Layout:
        """The layout profile `name`, checked once against the library's block kinds."""
        layout = self.layouts.get(name)
        if name not in self._checked_layouts:
            self.layouts.check_kinds(layout, self.library.block_kinds())
            self._checked_layouts.add(name)
        return layout

    def schedule(self, topic_name: str, data: Personalisation, policy: ClinicPolicy, where: str) -> Schedule | None:
        """The dose schedule of a medicine topic's prescription, refusing one beyond the label's or the clinic's
        rules; None for a topic that is not about a medicine."""
        topic = self.library.topic(topic_name)
        if not topic.medicine:
            return None
        return make_schedule(data.prescription, topic, where, policy.max_days.get(topic_name))

    def check(self, request: HandoutRequest, where: str) -> tuple[Schedule | None, tuple[tuple[str, str], ...]]:
        """The request's dose schedule (refusing a prescription beyond the rules) and its staff warnings; for
        several prescriptions, their staff warnings (and no one schedule). The warnings about content not approved
        are those its build would give."""
        made_on, rules = request.made_on, request.policy.content
        if request.data.prescriptions:
            several = self._check_several(request, where)
            return None, several.warnings + self.content_state(several.topics, several.language, made_on, rules)[2]
        topic_name = resolve_topic(self.library, request.topic, request.data, where)
        schedule, warnings = self._check(request, topic_name, where)
        language = resolve_language(self.library, topic_name, request.language, request.data, where)
        return schedule, warnings + self.content_state([topic_name], language, made_on, rules)[2]

    def _check(
        self, request: HandoutRequest, topic_name: str, where: str
    ) -> tuple[Schedule | None, tuple[tuple[str, str], ...]]:
        check_age(request.data.patient, request.made_on, where)
        schedule = self.schedule(topic_name, request.data, request.policy, where)
        topic = self.library.topic(topic_name)
        clinic_max_days = request.policy.max_days.get(topic_name)
        found = staff_warnings(request.data, topic, schedule, request.made_on, where, clinic_max_days)
        return schedule, found + state_warnings(self.library.root, request.clinic.state)

    def prepare(self, request: HandoutRequest, where: str) -> Prepared:
        """The personalised leaflet for `request` and what it must show, before it is rendered."""
        if request.data.prescriptions:
            return self._prepare_several(request, where)
        topic_name = resolve_topic(self.library, request.topic, request.data, where)
        language = resolve_language(self.library, topic_name, request.language, request.data, where)
        wording = load_wording(self.library.root, language)
        layout = self.layout(request.layout)
        schedule, warnings = self._check(request, topic_name, where)
        approved, chain, told = self.content_state([topic_name], language, request.made_on, request.policy.content)
        leaflet = self._personalise(request, topic_name, language, layout, schedule, wording, approved)
        leaflet = replace(leaflet, chain=chain)
        must_say, key = _sentences(leaflet)
        words = self.library.topic_words(topic_name, language)
        facts = (must_say, request.data, request.clinic, schedule, wording, words, layout.short_dates)
        html = tuple(leaflet_expectations(*facts, calendar=False)) + self._notices(
            approved, wording, request.clinic, layout
        )
        html += tuple(icon_array_expectations(leaflet.blocks))
        html += tuple(drug_facts_expectations(leaflet.blocks))
        pdf = html  # and the dose calendar, which the web page has not
        if schedule is not None:  # the strip: the web page's has the whole course, whatever room the pages have
            pdf += tuple(strip_expectations(schedule, wording, layout.short_dates, layout.dose_strip))
            html += tuple(strip_expectations(schedule, wording, layout.short_dates, web_strip_form(layout)))
        if schedule is not None and layout.calendar:
            pdf += tuple(calendar_expectations(schedule, wording))
        return Prepared(leaflet, layout, language, must_say, key, warnings + told, pdf, html)

    def _notices(
        self, approved: dt.date | None, wording: Wording, clinic: Clinic, layout: Layout
    ) -> tuple[Expected, ...]:
        """The line saying the leaflet is not yet approved (when it is not) and the language-help notice."""
        lines = notice_lines(self.library.root, clinic, wording.language, layout.language_help)
        return (*draft_expectations(approved, wording), *language_help_expectations(lines))

    def content_state(
        self, topics: list[str], language: str, made_on: dt.date, rules: ContentRules | None = None
    ) -> tuple[dt.date | None, ContentChain, tuple[tuple[str, str], ...]]:
        """What a leaflet of `topics` prints, on `made_on`: the latest approval date when every file of it is
        approved (else none), its content chain and the staff warnings about what is not approved; a
        NotApprovedError when this generator's or `rules` require approved content. The chain records approvals
        as `rules` says when it sets `approvals_in_pdf`, else as this generator's setting does (a web API request
        sets none: the server's config holds)."""
        shown = self.content.approvals_in_pdf
        if rules is not None and "approvals_in_pdf" in rules.model_fields_set:
            shown = rules.approvals_in_pdf
        rules = rules or ContentRules()
        months = min(self.content.review_months, rules.review_months)
        statuses = self.approvals.leaflet(topics, language, made_on, months)
        if "approved" in (self.content.require, rules.require):
            require_approved(statuses, topics, language, made_on)
        chain = content_chain(self.approvals, statuses, made_on, shown)
        return approval_date(statuses), chain, content_warnings(statuses, self.library.root)

    def _personalise(
        self,
        request: HandoutRequest,
        topic_name: str,
        language: str,
        layout: Layout,
        schedule: Schedule | None,
        wording: Wording,
        approved: dt.date | None,
    ) -> Leaflet:
        """The topic's leaflet personalised with the request's patient, clinic and made-on date."""
        return personalise(
            self.library,
            topic_name,
            language,
            layout,
            request.data,
            request.clinic,
            schedule,
            wording,
            request.made_on,
            approved,
        )

    def _check_several(self, request: HandoutRequest, where: str) -> _Several:
        """Several prescriptions for one patient: each checked against its own topic's rules and the clinic's,
        every problem of every prescription reported at once; their schedules and the staff warnings."""
        data = request.data
        if request.topic:
            raise InputError(
                f"{where}: topic: not with several prescriptions (each prescription's medicine is its topic)",
                (("topic", "not with several prescriptions"),),
            )
        topics = resolve_medicine_topics(self.library, data, where)
        language = ""
        for topic_name in topics:
            language = resolve_language(self.library, topic_name, request.language, data, where)
        check_age(data.patient, request.made_on, where)
        problems: list[tuple[str, str]] = []
        schedules: list[Schedule] = []
        warnings: list[tuple[str, str]] = []
        for index, (topic_name, rx) in enumerate(zip(topics, data.prescriptions, strict=True)):
            topic = self.library.topic(topic_name)
            most = request.policy.max_days.get(topic_name)
            try:
                schedule = make_schedule(rx, topic, where, most)
                found = staff_warnings(data, topic, schedule, request.made_on, where, most)
            except InputError as exc:
                problems += [(in_list(field, index), message) for field, message in exc.problems]
                continue
            schedules.append(schedule)
            warnings += [(in_list(field, index), message) for field, message in found]
        if problems:
            raise InputError(
                f"{where}: " + "; ".join(f"{field}: {message}" for field, message in problems), tuple(problems)
            )
        classes = [
            (self.library.topic_words(name, language).title, self.library.topic(name).classes) for name in topics
        ]
        warnings += combination_warnings(load_classes(self.library.root), classes)
        warnings += state_warnings(self.library.root, request.clinic.state)
        return _Several(topics, schedules, language, tuple(dict.fromkeys(warnings)))

    def _prepare_several(self, request: HandoutRequest, where: str) -> Prepared:
        """One leaflet for several medicines: each prescription checked and personalised as its own leaflet,
        then put together (generator.medicines)."""
        layout = self.layout(request.layout)
        if not layout.several_medicines:
            message = f"layout '{layout.name}' holds one medicine; choose a layout of several pages (e.g. standard)"
            raise InputError(f"{where}: layout: {message}", (("layout", message),))
        several = self._check_several(request, where)
        wording = load_wording(self.library.root, several.language)
        approved, chain, told = self.content_state(
            several.topics, several.language, request.made_on, request.policy.content
        )
        parts = []
        for topic_name, schedule in zip(several.topics, several.schedules, strict=True):
            words = self.library.topic_words(topic_name, several.language)
            leaflet = self._personalise(request, topic_name, several.language, layout, schedule, wording, approved)
            parts.append(Part(Medicine(topic_name, html.unescape(leaflet.title), schedule, words), leaflet))
        leaflet = replace(combine(parts, wording), chain=chain)
        must_say, key = _sentences(leaflet)
        medicines = [part.medicine for part in parts]
        facts = (must_say, request.data, request.clinic, medicines, wording, layout.short_dates)
        drafts = self._notices(approved, wording, request.clinic, layout)
        drafts += tuple(icon_array_expectations(leaflet.blocks))
        drafts += tuple(drug_facts_expectations(leaflet.blocks))
        html_expected = tuple(medicines_expectations(*facts, calendar=False)) + drafts
        pdf_expected = tuple(medicines_expectations(*facts, calendar=layout.calendar)) + drafts
        pages = layout.max_pages * len(parts) if layout.max_pages else None
        warnings = several.warnings + told
        return Prepared(leaflet, layout, several.language, must_say, key, warnings, pdf_expected, html_expected, pages)

    def build(self, request: HandoutRequest, where: str) -> Handout:
        """Make and verify one leaflet; `where` names the input in error messages."""
        return self._render(self.prepare(request, where), request.paper, request.grayscale, where)

    def build_generic(
        self, topic: str, language: str, layout: str, clinic: Clinic, made_on: dt.date, where: str
    ) -> Handout:
        """Make and verify a medicine topic's generic leaflet: for no one in particular, so no prepared-for
        box and no dose schedule (an EHR's Infobutton asks for these)."""
        topic_name = resolve_topic(self.library, topic, None, where)
        if self.library.topic(topic_name).medicine is None:
            raise InputError(
                f"{where}: topic: only a medicine topic has a generic leaflet", (("topic", "not a medicine"),)
            )
        language = resolve_language(self.library, topic_name, language, None, where)
        wording = load_wording(self.library.root, language)
        chosen = self.layout(layout)
        approved, chain, told = self.content_state([topic_name], language, made_on)
        leaflet = personalise(
            self.library, topic_name, language, chosen, None, clinic, None, wording, made_on, approved
        )
        leaflet = replace(leaflet, chain=chain)
        must_say, key = _sentences(leaflet)
        expected = tuple(generic_expectations(must_say, clinic)) + self._notices(approved, wording, clinic, chosen)
        expected += tuple(icon_array_expectations(leaflet.blocks))
        expected += tuple(drug_facts_expectations(leaflet.blocks))
        prepared = Prepared(leaflet, chosen, language, must_say, key, told, expected, expected)
        return self._render(prepared, None, False, where)

    def _render(self, prepared: Prepared, paper: str | None, grayscale: bool, where: str) -> Handout:
        """Render the prepared leaflet and verify the finished PDF, refusing it when anything is amiss."""
        leaflet, layout = prepared.leaflet, prepared.layout
        pdf = render_pdf(leaflet, layout, paper or layout.paper, grayscale)
        checks = Checks(prepared.expected, layout_rules(layout))
        try:
            pages = verify_pdf(pdf, list(checks.expected), checks.rules, f"{where}: generated PDF")
        except VerifyError as exc:
            raise VerifyError(f"{exc} (refusing to write it)") from None
        most = prepared.max_pages or layout.max_pages
        if most and pages > most:
            instead = f"; use the layout '{layout.when_too_long}'" if layout.when_too_long else ""
            raise TooLongError(
                f"{where}: layout '{layout.name}' allows {most} page(s) but the content needs {pages}; "
                f"required blocks are never dropped and text is never shrunk below the layout's minimum size{instead}",
                pages,
                most,
                layout.when_too_long,
            )
        return Handout(
            pdf,
            pages,
            prepared.language,
            prepared.must_say,
            prepared.key_warnings,
            prepared.warnings,
            checks,
            leaflet.topics,
            leaflet.subject,
            leaflet.chain,
        )

    def build_html(self, request: HandoutRequest, where: str, note: tuple[str, ...] = ()) -> HtmlHandout:
        """Make and verify the HTML version of one leaflet; `note` adds paragraphs before the title (an email's)."""
        prepared = self.prepare(request, where)
        page = render_html(prepared.leaflet, prepared.layout, note)
        try:
            verify_html(page, list(prepared.expected_html), f"{where}: generated HTML")
        except VerifyError as exc:
            raise VerifyError(f"{exc} (refusing to write it)") from None
        return HtmlHandout(page, prepared.language, prepared.must_say, prepared.warnings, prepared.leaflet.chain)

    def visibility_rules(self, layout: str | None) -> VisibilityRules:
        """The layout's visibility rules; without a layout, the loosest any installed layout allows."""
        if layout is not None:
            return layout_rules(self.layout(layout))
        every = [self.layouts.get(name) for name in self.layouts.names()]
        margins = [margins_pt(each) for each in every]
        loosest = (*(min(m[side] for m in margins) for side in range(4)),)
        return VisibilityRules(min(each.min_font_size for each in every), loosest)  # type: ignore[arg-type]

    def required_sentences(self, topic: str, language: str) -> list[str]:
        """Every must_say sentence of the topic's required blocks."""
        return [s for block in self.library.blocks(topic, language) if block.required for s in block.must_say]


def _sentences(leaflet: Leaflet) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every required sentence, and those a cover note lists: the "most important" block's, else every one."""
    must_say = tuple(dict.fromkeys(s for block in leaflet.blocks for s in block.must_say))  # several medicines: once
    key = tuple(s for block in leaflet.blocks if block.kind == MOST_IMPORTANT_KIND for s in block.must_say)
    return must_say, key or must_say


def layout_rules(layout: Layout) -> VisibilityRules:
    """What the verifier holds the layout's text to: its minimum size and its margins."""
    return VisibilityRules(layout.min_font_size, margins_pt(layout))


def margins_pt(layout: Layout) -> tuple[float, float, float, float]:
    """The layout's margins (top, right, bottom, left) in points."""
    top, right, bottom, left = (m * 72 for m in layout.margins_in)
    return (top, right, bottom, left)
