"""Making one row of a batch: build, verify and write its leaflet, and the manifest line that says so.

The same RowMaker makes rows in the batch process, in its local worker processes
(generator.batch.pool) and on Dask workers (generator.batch.on_dask). A failing row never
raises: it becomes a failed result whose reason names the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.batch.audit import REFUSED, audit, chosen
from generator.batch.rows import BatchRow, personalisation_of
from generator.batch.store import STATE_FOLDER, Store
from generator.content.approvals import APPROVALS_FILE
from generator.content.codes import CodeIndex
from generator.content.labels import labels_path
from generator.content.library import Library
from generator.errors import AuditError, HandoutError, InputError
from generator.inputs.personalisation import Clinic, Personalisation
from generator.inputs.selection import resolve_language, resolve_medicine_topics, resolve_topic
from generator.layouts import LayoutLibrary
from generator.mail.settings import EmailSettings
from generator.pipeline import Generator, Handout, HandoutRequest
from generator.prescription.policy import ClinicPolicy

if TYPE_CHECKING:
    from generator.fhir.mapping import FhirInput  # imported when a row is FHIR: fhir.resources takes 0.25 s

_NOT_RESENT = "delivery uncertain: not sent again by --resume; check with the patient first"
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""What an id (a leaflet's file stem) may be."""


@dataclass(frozen=True)
class BatchSettings:
    """What every row shares."""

    out: str
    """Folder, or fsspec URL (see generator.batch.store), for the leaflets and manifest.csv."""
    library: Path
    layouts: Path
    clinic: Clinic
    made_on: dt.date
    layout: str = "standard"
    topic: str | None = None
    paper: str | None = None
    resume: bool = False
    email: EmailSettings | None = None
    """Send each row's leaflet to its email column (None: do not send)."""
    outbox: Path | None = None
    """With email: write .eml files here instead of sending."""
    policy: ClinicPolicy = field(default_factory=ClinicPolicy)
    """The clinic's own rules (course length per topic), from the config file's policy: section."""
    audit: float = 0.0
    """The percentage of rows whose rendered leaflet is also checked for ink and read back by OCR (--audit)."""


@dataclass(frozen=True)
class RowResult:
    """What happened to one row; a line of the manifest."""

    row: int
    id: str
    status: str
    """made, skipped (unchanged, --resume) or failed."""
    output: str = ""
    pages: int = 0
    sha256: str = ""
    reason: str = ""
    warnings: str = ""
    """What staff should check before handing the leaflet out (age, start date, unknown codes), '; ' between."""
    email: str = ""
    """sent, no address, written to PATH, already sent, delivery uncertain: REASON, or failed: REASON."""
    password: str = ""
    """The PDF's random code (pdf_password: random), for staff to give the patient by phone or in person."""
    source: str = ""
    """Where the row came from (e.g. 'patients.csv row 14'; a Bulk Data patient's row names its order lines)."""
    content_status: str = ""
    """The leaflet's content status: `approved`, or `draft (N of M files)` (generator.content.chain)."""
    audit: str = ""
    """passed, passed: ink only, or refused when the row was chosen for --audit (generator.batch.audit); else empty."""


def failed(row: BatchRow, reason: str) -> RowResult:
    """A failed row's manifest line; `reason` gets the row's place in front unless it starts with it already."""
    said = reason if reason.startswith(row.where) else f"{row.where}: {reason}"
    return RowResult(row.number, row.extras.get("id", ""), "failed", reason=said, source=row.where)


def skipped(row: BatchRow) -> RowResult | None:
    """The manifest line of an input line with nothing to make (`row.skip` says why), else None."""
    if not row.skip:
        return None
    return RowResult(row.number, "", "skipped", reason=f"{row.where}: {row.skip}", source=row.where)


def output_name(row: BatchRow) -> str:
    """A safe, predictable file stem: the row's id, else its row number; never a patient name."""
    row_id = row.extras.get("id")
    if row_id is None:
        return f"row-{row.number:06d}"
    if not SAFE_ID.fullmatch(row_id):
        raise InputError(f"{row.where}: id: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return row_id


def _warnings_text(fhir: FhirInput | None, staff: tuple[tuple[str, str], ...]) -> str:
    """The manifest's warnings cell: FHIR mapping warnings, then staff warnings."""
    found = list(fhir.warnings) if fhir else []
    found += [f"{field}: {message}" for field, message in staff]
    return "; ".join(found)


def _inputs_hash(row: BatchRow, request_key: dict[str, object]) -> str:
    text = json.dumps({"row": row.data, **request_key}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class RowMaker:
    """Makes the leaflet of one row; one per process, with the generator's caches."""

    def __init__(self, settings: BatchSettings, generator: Generator | None = None) -> None:
        """`generator`: one already loaded from `settings.library` and `settings.layouts` (a Dask worker's, kept
        warm across batches while those files are unchanged); else a new one."""
        self.settings = settings
        self.generator = generator or Generator(Library(settings.library), LayoutLibrary(settings.layouts))
        self.store = Store(settings.out)
        self._fingerprints: dict[tuple[str, str, str], str] = {}
        self._codes: CodeIndex | None = None

    def warm_up(self) -> None:
        """Load what every row needs (layout, fonts, templates, shared paragraphs) by making a sample leaflet once.

        Forked workers then start warm. A sample the library cannot make is no error here: rows report their own.
        """
        from generator.inputs.personalisation import read_personalisation

        library = self.generator.library
        named = library.find_topic(self.settings.topic) if self.settings.topic else None
        topic = named or next((name for name in library.topic_names() if library.sample_path(name)), None)
        if topic is None:
            return
        try:
            data = read_personalisation(library.sample_input(topic))
            request = HandoutRequest(topic, data, self.settings.clinic, self.settings.made_on, self.settings.layout)
            self.generator.build(request, "warm-up")
        except HandoutError:
            pass

    def make(self, row: BatchRow) -> RowResult:
        """Build, verify and write one row; any failure becomes a failed result, never an exception."""
        try:
            return self._make(row)
        except AuditError as exc:
            return replace(failed(row, str(exc)), audit=REFUSED)
        except HandoutError as exc:
            return failed(row, str(exc))
        except Exception as exc:
            return failed(row, f"internal error ({exc.__class__.__name__})")

    def _make(self, row: BatchRow) -> RowResult:
        settings, extras = self.settings, row.extras
        name = output_name(row)
        fhir = self._fhir(row) if row.fhir else None
        data = fhir.data if fhir else personalisation_of(row)
        topic = (
            fhir.topic
            if fhir
            else resolve_topic(self.generator.library, extras.get("topic") or settings.topic, data, row.where)
        )
        request = HandoutRequest(
            topic=topic,
            data=data,
            clinic=data.clinic or settings.clinic,
            made_on=settings.made_on,
            layout=extras.get("layout") or settings.layout,
            paper=settings.paper,
            language=extras.get("language"),
            policy=settings.policy,
        )
        library = self.generator.library
        topics = [topic] if topic else resolve_medicine_topics(library, data, row.where)  # several medicines
        language = ""
        for each in topics:  # before any file is read
            language = resolve_language(library, each, request.language, data, row.where)
        versions = [library.topic(each).content_version for each in topics]
        files = [self._fingerprint(each, language, request.layout) for each in topics]
        key = {
            "topic": topic or topics,
            "layout": request.layout,
            "language": language,
            "paper": request.paper,
            "clinic": request.clinic.model_dump(mode="json"),
            "made_on": settings.made_on.isoformat(),
            "content_version": versions[0] if topic else versions,
            "content_files": files[0] if topic else files,
            "content_rules": settings.policy.content.model_dump(mode="json"),
            "generator": __version__,
        }
        inputs = _inputs_hash(row, key)
        store, pdf_name, state_name = self.store, f"{name}.pdf", f"{STATE_FOLDER}/{name}.json"
        output = store.location(pdf_name)
        done = store.unchanged(name, inputs) if settings.resume else None
        audited = chosen(name, settings.audit)
        if done and audited and not done.get("audit"):  # made before without an audit: audit it now
            done = self._audit_made(done, request, fhir, row, state_name)
        row_id = extras.get("id", "")
        address = extras.get("email")
        previous = (done.get("emailed_to"), done.get("uncertain")) if done else ()
        if done and (settings.email is None or (address and address in previous)):
            email = ""
            if settings.email is not None:
                email = "already sent" if done.get("emailed_to") == address else _NOT_RESENT
            pages, digest, code = done["pages"], done["sha256"], str(done.get("password", ""))
            warnings = _warnings_text(fhir, self.generator.check(request, row.where)[1])
            content = str(done.get("content_status", ""))
            result = RowResult(
                row.number, row_id, "skipped", output, pages, digest, "", warnings, email, code, row.where, content
            )
            return replace(result, audit=str(done.get("audit", "")) if audited else "")
        handout = self._build(request, fhir, row)
        checked = audit(handout, row.where) if audited and not done else ""
        digest = hashlib.sha256(handout.pdf).hexdigest()
        content = handout.chain.summary if handout.chain else ""
        record: dict[str, object] = {"inputs": inputs, "pages": handout.pages, "sha256": digest}
        record["content_status"] = content
        if checked:
            record["audit"] = checked
        if not done:  # the record first: a row whose PDF could not be written leaves no PDF behind
            store.write(state_name, json.dumps(record).encode())
            store.write(pdf_name, handout.pdf)
        email, code = "", ""
        if settings.email is not None:
            email, code = self._email(row, data, request, handout, name)
            sent = {"sent": "emailed_to", "delivery uncertain": "uncertain"}.get(email.split(":")[0])
            if sent:
                store.write(state_name, json.dumps({**record, sent: address, "password": code}).encode())
        status = "skipped" if done else "made"
        warnings = _warnings_text(fhir, handout.warnings)
        checked = str(done.get("audit", "")) if done and audited else checked
        result = RowResult(
            row.number, row_id, status, output, handout.pages, digest, "", warnings, email, code, row.where, content
        )
        return replace(result, audit=checked)

    def _build(self, request: HandoutRequest, fhir: FhirInput | None, row: BatchRow) -> Handout:
        if fhir:
            from generator.fhir.handout import build_fhir

            return build_fhir(self.generator, request, fhir, row.where)
        return self.generator.build(request, row.where)

    def _audit_made(
        self, done: dict[str, Any], request: HandoutRequest, fhir: FhirInput | None, row: BatchRow, state_name: str
    ) -> dict[str, Any]:
        """Audit a leaflet an earlier run made (--resume, now chosen for --audit): the same inputs make the same
        bytes, so it is made again here, audited, and the result kept in its record (the file is not rewritten)."""
        handout = self._build(request, fhir, row)
        if hashlib.sha256(handout.pdf).hexdigest() != done["sha256"]:
            return {}  # not the bytes on disk (made by another version): made anew, and audited, below
        record = {**done, "audit": audit(handout, row.where)}
        self.store.write(state_name, json.dumps(record).encode())
        return record

    def _fhir(self, row: BatchRow) -> FhirInput:
        """Read a FHIR NDJSON row (a Bundle); --topic, when given, must agree with the medicine's code."""
        from generator.fhir.mapping import read_fhir

        if row.problem:
            raise InputError(f"{row.where}: {row.problem}")
        if self._codes is None:
            self._codes = CodeIndex(self.generator.library)
        settings = self.settings
        return read_fhir(row.data, row.where, self.generator.library, self._codes, settings.made_on, settings.topic)

    def _fingerprint(self, topic: str, language: str, layout: str) -> str:
        """A hash of every file the leaflet is made from (and the approvals of its content), so --resume notices
        edited content, approvals or layouts."""
        key = (topic, language, layout)
        if key not in self._fingerprints:
            library = self.generator.library
            paths = [library.topic_path(topic), library.topic_path(topic).with_name(f"topic.{language}.yaml")]
            paths += [library.block_path(topic, ref, language) for ref in library.topic(topic).blocks]
            paths += [labels_path(library.root, language)]
            paths += list(dict.fromkeys(path.parent / APPROVALS_FILE for path in paths))
            paths += self.generator.layouts.files(layout)
            digest = hashlib.sha256()
            for path in paths:
                shown = _relative(path, library.root, self.generator.layouts.root)  # the same on every machine
                digest.update(shown.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
            self._fingerprints[key] = digest.hexdigest()
        return self._fingerprints[key]

    def _email(
        self, row: BatchRow, data: Personalisation, request: HandoutRequest, handout: Handout, name: str
    ) -> tuple[str, str]:
        """Send one row's leaflet; the manifest's email and password columns."""
        from generator.content.labels import load_wording
        from generator.mail.handout import mail_handout

        address = row.extras.get("email")
        if not address:
            return "no address", ""
        assert self.settings.email is not None
        labels = load_wording(self.generator.library.root, handout.language).labels
        try:
            done = mail_handout(
                handout,
                data,
                request.clinic,
                address,
                self.settings.email,
                labels,
                row.where,
                self.settings.outbox,
                name,
            )
        except HandoutError as exc:
            return f"failed: {exc}", ""
        return ("sent" if done.outcome.startswith("sent") else done.outcome), done.code or ""


def _relative(path: Path, *roots: Path) -> str:
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return str(path)
