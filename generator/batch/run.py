"""`handout batch`: many leaflets from a CSV, JSON Lines or FHIR NDJSON file, in parallel, nothing lost.

Each row goes through the same `Generator.build` as a single handout (so it is
verified), is written atomically, and is reported in the manifest. A failing row
never stops the others. `--resume` skips rows whose output exists and was made
from the same inputs (row, content version, layout, made-on date).

Rows are made in this process (one job), by local worker processes (generator.batch.pool)
or on a Dask cluster (generator.batch.on_dask); whichever runs them, results come back in
row order with only a few chunks of rows in flight, so memory stays flat.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from generator.batch.names import NameSet
from generator.batch.output import Manifest, folder_lock, remove_stale_parts
from generator.batch.pool import Runner, Waiter, inline_runner, pool_runner
from generator.batch.progress import Progress
from generator.batch.rowmaker import BatchSettings, RowMaker, RowResult, failed, output_name, skipped
from generator.batch.rows import BatchRow, count_rows, read_rows
from generator.batch.store import STATE_FOLDER, Store, absolute, is_url
from generator.errors import InputError, VerifyError

EMAIL_OUTCOMES = ("sent", "written", "failed", "no address", "already sent", "delivery uncertain")
"""How the manifest's email column begins."""


@dataclass(frozen=True)
class BatchSummary:
    """Counts and timing of a finished batch."""

    made: int
    skipped: int
    failed: int
    emails: dict[str, int]
    """Rows per email outcome: sent, written, failed, no address, already sent."""
    seconds: float
    manifest: str
    """Where manifest.csv is (a path, or a URL)."""
    combined_pages: int | None


def run_batch(
    source: Path,
    settings: BatchSettings,
    jobs: int,
    combine: Path | None,
    scheduler: str | None = None,
    bulk: bool = False,
) -> BatchSummary:
    """Make every row of `source` (on a Dask cluster when `scheduler` is given); header problems stop it
    before any file is written. A folder --out is made absolute first: Dask workers write there too.
    `bulk`: `source` is the folder of a FHIR Bulk Data export (generator.batch.bulk.export)."""
    from generator.render.combine import combine_pdfs

    settings = dataclasses.replace(settings, out=absolute(settings.out))
    with _input(source, settings.library, bulk) as (total, rows):
        first = next(rows, None)
        every = chain([first] if first else [], rows)
        with _manifest_place(settings.out) as (folder, publish):
            manifest = Manifest(folder / "manifest.csv", total)
            progress = Progress(total)
            try:
                counts, emails, outputs = _run(every, settings, jobs, scheduler, manifest, progress, bool(combine))
            except BaseException:
                progress.close()
                manifest.abandon()
                raise
            progress.close()
            manifest.finish()
            shown = publish(manifest.path)
    combined = combine_pdfs(_leaflets(Store(settings.out), outputs), combine) if combine else None
    return BatchSummary(counts["made"], counts["skipped"], counts["failed"], emails, progress.elapsed, shown, combined)


@contextlib.contextmanager
def _input(source: Path, library: Path, bulk: bool) -> Iterator[tuple[int, Iterator[BatchRow]]]:
    """How many rows the input has (read once before any work), and the rows, streamed."""
    if bulk:
        from generator.batch.bulk.export import bulk_rows

        with bulk_rows(source, library) as found:
            yield found
        return
    if source.is_dir():
        raise InputError(f"{source}: a folder; add --fhir-bulk to read it as a FHIR Bulk Data export")
    yield count_rows(source), read_rows(source)


@contextlib.contextmanager
def _manifest_place(out: str) -> Iterator[tuple[Path, Callable[[Path], str]]]:
    """A local folder to write the manifest in, and how to publish it when finished.

    A folder --out holds the batch lock and keeps the manifest where it is; a URL --out gets
    the finished manifest uploaded (in one piece) beside the leaflets.
    """
    if is_url(out):
        with tempfile.TemporaryDirectory(prefix="handout-batch-") as temp:

            def upload(path: Path) -> str:
                Store(out).write(path.name, path.read_bytes())
                return Store(out).location(path.name)

            yield Path(temp), upload
        return
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: --out: cannot make the folder ({exc.strerror})") from None
    with folder_lock(folder):
        remove_stale_parts(folder, STATE_FOLDER)
        try:
            yield folder, str
        finally:
            remove_stale_parts(folder, STATE_FOLDER)  # what a worker killed mid-write left


def _run(
    rows: Iterator[BatchRow],
    settings: BatchSettings,
    jobs: int,
    scheduler: str | None,
    manifest: Manifest,
    progress: Progress,
    keep_outputs: bool,
) -> tuple[dict[str, int], dict[str, int], list[tuple[str, str]]]:
    """Make every row, writing each result to the manifest as it comes; counts, email outcomes and
    (when `keep_outputs`, for --combine) the names and sha256 of the leaflets made, so memory does not
    grow with the rows otherwise."""
    counts = {"made": 0, "skipped": 0, "failed": 0}
    emails: dict[str, int] = {}
    outputs: list[tuple[str, str]] = []
    for result in run_rows(rows, settings, jobs, scheduler, progress.message):
        manifest.add(dataclasses.asdict(result))
        counts[result.status] += 1
        if result.email:
            outcome = next(o for o in EMAIL_OUTCOMES if result.email.startswith(o))
            emails[outcome] = emails.get(outcome, 0) + 1
        if result.status == "failed":
            progress.message(f"failed: {result.reason}")
        else:
            if keep_outputs:
                outputs.append((Path(result.output).name, result.sha256))  # made, even if its email failed
            if result.email.startswith(("failed", "delivery uncertain")):
                progress.message(f"email {result.email}")
        progress.step()
    return counts, emails, outputs


def run_rows(
    rows: Iterator[BatchRow],
    settings: BatchSettings,
    jobs: int,
    scheduler: str | None,
    notify: Callable[[str], None],
) -> Iterator[RowResult]:
    """Results in row order; only a few chunks of rows are in flight at a time, so memory stays flat.

    Rows go to a Dask cluster when `scheduler` is given, else to `jobs` local worker
    processes (forked after warming up here), else are made in this process. `notify`
    shows a line about the batch itself (a worker process died), never patient data.
    """
    seen = NameSet()

    def claimed(row: BatchRow) -> RowResult | None:
        try:
            name = output_name(row)
        except InputError as exc:
            return failed(row, str(exc))
        return None if seen.add(name) else failed(row, "id: used by an earlier row")

    with seen, _runner(settings, jobs, scheduler, notify) as runner:
        pending: deque[Waiter | RowResult] = deque()
        chunk: list[BatchRow] = []

        def flush() -> None:
            if chunk:
                pending.append(runner.submit(chunk.copy()))
                chunk.clear()

        for row in rows:
            refused = skipped(row) or claimed(row)
            if refused is None:
                chunk.append(row)
                if len(chunk) >= runner.chunk:
                    flush()
            else:
                flush()  # keep row order: the rows before it go first
                pending.append(refused)
            while len(pending) >= runner.window:
                yield from _results(pending.popleft())
        flush()
        while pending:
            yield from _results(pending.popleft())


def _runner(
    settings: BatchSettings, jobs: int, scheduler: str | None, notify: Callable[[str], None]
) -> contextlib.AbstractContextManager[Runner]:
    if scheduler:
        from generator.batch.on_dask import dask_runner

        return dask_runner(settings, scheduler)
    maker = RowMaker(settings)
    if jobs <= 1:
        return inline_runner(maker)
    maker.warm_up()  # once here, so every forked worker starts warm
    return pool_runner(maker, jobs, notify)


def _results(item: Waiter | RowResult) -> list[RowResult]:
    return item() if callable(item) else [item]


def _leaflets(store: Store, made: list[tuple[str, str]]) -> Iterator[bytes]:
    """The leaflets for --combine, each checked against the sha256 the manifest lists for it."""
    for name, digest in made:
        pdf = store.read_made(name, digest)
        if pdf is None:
            raise VerifyError(
                f"{store.location(name)}: --combine: this leaflet is missing, or not the one the manifest lists; "
                "the combined PDF was not written (the manifest is complete)"
            )
        yield pdf
