"""Making a batch's rows on a Dask distributed cluster (`handout batch --scheduler tcp://HOST:8786`).

The batch process reads the input, sends rows in chunks of `CHUNK_ROWS` with at most
`CHUNKS_PER_THREAD` chunks per worker thread in flight (never the whole input), and writes the manifest from
the results in row order, exactly as with local processes. Each worker makes its rows with
the same RowMaker (so each leaflet is verified) and writes them itself to `--out`, which
every worker must see: a shared folder at the same path, or a URL (generator.batch.store).

A worker keeps its Generator (parsed content, layouts, fonts, shared paragraphs) from one
batch to the next while every file of the library and layouts keeps its size and modification
time and none is added or removed, so a standing cluster does not start cold for each batch;
an edited file means a new Generator.

When a worker dies, the scheduler gives its chunks to another worker and they are made
again; leaflets are deterministic and written atomically, so a row made twice is the
same bytes written twice, never two different files. A chunk whose workers keep dying
(Dask's `allowed-failures`, 3 by default) fails its rows, named in the manifest; the rest go
on. Losing the scheduler stops the batch (exit 2); what was made is kept for `--resume`.

Workers must run the same version of patient-handouts as the batch (rows fail, saying so,
otherwise). The built-in library and layouts are each worker's own copy; a `--library` or
`--layouts` folder must be at the same path on every worker. A folder --out is sent to the
workers as an absolute path, and each leaflet a worker reports made is read back here and
checked against its sha256 before the manifest says "made": a row whose leaflet this process
does not find as the worker wrote it fails, saying so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import pickle
import stat
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.batch.pool import Runner, Waiter
from generator.batch.rowmaker import BatchSettings, RowMaker, RowResult, failed
from generator.batch.rows import BatchRow
from generator.batch.store import Store, is_url
from generator.content.library import Library
from generator.errors import InputError
from generator.layouts import LayoutLibrary
from generator.paths import builtin_root
from generator.pipeline import Generator

CHUNK_ROWS = 8
"""Rows per Dask task: enough to make the scheduler's share of the time small, few enough to spread the work."""
CHUNKS_PER_THREAD = 3
"""Chunks in flight per worker thread: one being made and two waiting, so no worker idles while
the oldest chunk (whose results come first) is still being made elsewhere."""
CONNECT_SECONDS = 30
MAKERS_KEPT = 2
"""Row makers (one per batch) and generators (one per library and layouts) a worker keeps, least recently used
dropped."""


@dataclass(frozen=True)
class ClusterJob:
    """What every chunk of one batch shares, as sent to the workers."""

    settings: BatchSettings
    builtin_library: bool
    """The batch uses the built-in library: each worker uses its own built-in copy."""
    builtin_layouts: bool
    version: str

    key: str
    """Tells one batch from another on a worker (even two runs with the same settings)."""


def cluster_job(settings: BatchSettings) -> ClusterJob:
    """The job for `settings`, marking built-in folders so workers installed elsewhere find their own."""
    builtin_library = settings.library == builtin_root("handouts")
    builtin_layouts = settings.layouts == builtin_root("layouts")
    key = hashlib.sha256(pickle.dumps(settings) + uuid.uuid4().bytes).hexdigest()
    return ClusterJob(settings, builtin_library, builtin_layouts, __version__, key)


_FilesState = tuple[tuple[str, int, int], ...]
_makers: OrderedDict[str, RowMaker] = OrderedDict()
_generators: OrderedDict[tuple[Path, Path], tuple[_FilesState, Generator]] = OrderedDict()
"""This worker's generators by (library, layouts) folder, with the state of their files when loaded."""


def _files_state(*roots: Path) -> _FilesState:
    """Every file under `roots` with its size and modification time: an edit, a new or a removed file
    changes it (about 2 ms for the built-in library)."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            status = path.stat()
            if stat.S_ISREG(status.st_mode):
                found.append((str(path), status.st_size, status.st_mtime_ns))
    return tuple(sorted(found))


def _maker(job: ClusterJob) -> RowMaker:
    """This worker's row maker for `job` (one batch), kept warm across its chunks; its generator is kept
    across batches while the library's and layouts' files are unchanged (checked once per batch)."""
    maker = _makers.get(job.key)
    if maker is None:
        settings = job.settings
        if job.builtin_library:
            settings = dataclasses.replace(settings, library=builtin_root("handouts"))
        if job.builtin_layouts:
            settings = dataclasses.replace(settings, layouts=builtin_root("layouts"))
        folders = (settings.library, settings.layouts)
        state = _files_state(*folders)
        kept = _generators.get(folders)
        if kept is None or kept[0] != state:
            kept = _generators[folders] = (state, Generator(Library(folders[0]), LayoutLibrary(folders[1])))
        _generators.move_to_end(folders)
        maker = _makers[job.key] = RowMaker(settings, kept[1])
    _makers.move_to_end(job.key)
    for cache in (_makers, _generators):
        while len(cache) > MAKERS_KEPT:
            cache.popitem(last=False)
    return maker


def make_rows(job: ClusterJob, rows: list[BatchRow]) -> list[RowResult]:
    """Runs on a Dask worker: make (verify, write) each row of a chunk."""
    if job.version != __version__:
        reason = f"the Dask worker runs patient-handouts {__version__}, the batch {job.version}; not made"
        return [failed(row, reason) for row in rows]
    maker = _maker(job)
    return [maker.make(row) for row in rows]


def _seen_here(row: BatchRow, result: RowResult, out: str) -> RowResult:
    """`result`, unless it names a leaflet that this process does not find in the --out folder as the worker
    made it (a folder the workers do not share, say): then a failed row. URLs are not read back."""
    if result.status == "failed" or is_url(out):
        return result
    if Store(out).read_made(Path(result.output).name, result.sha256) is not None:
        return result
    reason = (
        f"{result.output}: the Dask worker wrote this leaflet, but it is not in --out as this process sees it; "
        "--out must be a folder every worker sees at the same path, or a URL; not made"
    )
    return failed(row, reason)


@contextlib.contextmanager
def dask_runner(settings: BatchSettings, scheduler: str) -> Iterator[Runner]:
    """Rows made on the cluster whose scheduler is at `scheduler`."""
    try:
        from distributed import Client
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise InputError("--scheduler: needs Dask (pip install 'patient-handouts[dask]')") from None
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise InputError(
            f"--scheduler {scheduler}: cannot reach the Dask scheduler ({reason}); nothing was made"
        ) from None
    job = cluster_job(settings)
    sent: list[object] = []

    def submit(rows: list[BatchRow]) -> Waiter:
        future = client.submit(make_rows, job, rows, pure=False)
        sent.append(future)

        def wait() -> list[RowResult]:
            try:
                return [
                    _seen_here(row, result, settings.out) for row, result in zip(rows, future.result(), strict=True)
                ]
            except KilledWorker:
                reason = "the Dask workers making this row kept dying; not made (see the workers' logs)"
                return [failed(row, reason) for row in rows]
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    f"--scheduler {scheduler}: lost the Dask cluster ({exc.__class__.__name__}); "
                    "rows made so far are kept, run again with --resume"
                ) from None
            except Exception as exc:  # e.g. the worker cannot load this version's code: these rows fail, not the batch
                return [failed(row, f"internal error on the Dask worker ({exc.__class__.__name__})") for row in rows]
            finally:
                sent.remove(future)

        return wait

    threads = sum(client.nthreads().values()) or 1
    try:
        yield Runner(submit, chunk=CHUNK_ROWS, window=max(threads, 1) * CHUNKS_PER_THREAD)
    except BaseException:
        client.cancel(sent)
        raise
    finally:
        client.close()
