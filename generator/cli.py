"""The `handout` command: a thin front end over generator.pipeline.

Every command turns HandoutError into one 'Error: ...' line and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.errors import HandoutError, InputError

if TYPE_CHECKING:
    from generator.pipeline import Generator

EXAMPLES = """examples:
  handout build carisoprodol -o leaflet.pdf
  handout build carisoprodol --patient patient.yaml --clinic clinic.yaml --layout standard --paper a4 -o out.pdf
  handout verify out.pdf --topic carisoprodol
  handout batch patients.csv --out leaflets/ --combine print.pdf
  handout list

environment:
  HANDOUT_LIBRARY   content library folder (like --library)
  HANDOUT_LAYOUTS   layout profiles folder (like --layouts)
  HANDOUT_CONFIG    clinic config file (like --config)
  HANDOUT_CACHE_DIR where generated font files are cached
"""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{value}'") from None


def _add_library_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--library", metavar="DIR", help="content library folder (default: $HANDOUT_LIBRARY, else built-in)"
    )
    parser.add_argument(
        "--layouts", metavar="DIR", help="layout profiles folder (default: $HANDOUT_LAYOUTS, else built-in)"
    )


def make_generator(args: argparse.Namespace) -> Generator:
    from generator.content import Library
    from generator.layouts import LayoutLibrary
    from generator.paths import layouts_root, library_root
    from generator.pipeline import Generator

    return Generator(Library(library_root(args.library)), LayoutLibrary(layouts_root(args.layouts)))


def cmd_build(args: argparse.Namespace) -> int:
    """Make one leaflet."""
    from generator.inputs import choose_clinic, read_personalisation
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import HandoutRequest, write_atomically

    patient_file = Path(args.patient) if args.patient else SAMPLES / "patient.yaml"
    data = read_personalisation(patient_file)
    clinic_file = Path(args.clinic) if args.clinic else None
    clinic = choose_clinic(data, clinic_file, config_path(args.config), SAMPLES / "clinic.yaml")
    output = Path(args.output or f"{args.topic}.pdf")
    if output.is_dir():
        raise InputError(f"{output}: -o must name a file, not a folder")
    generator = make_generator(args)
    request = HandoutRequest(
        topic=args.topic,
        data=data,
        clinic=clinic,
        made_on=args.made_on or dt.date.today(),
        layout=args.layout,
        paper=args.paper,
        language=args.lang,
        grayscale=args.grayscale,
    )
    handout = generator.build(request, str(patient_file))
    write_atomically(output, handout.pdf)
    print(f"Wrote {output} ({handout.pages} pages, {len(handout.must_say)} required warnings verified)")
    return 0


def cmd_email(args: argparse.Namespace) -> int:
    """Make one leaflet and email it (or save the message to --outbox)."""
    from generator.inputs import choose_clinic, default_topic, read_personalisation
    from generator.labels import load_wording
    from generator.mail_settings import load_email_settings
    from generator.mailing import mail_handout
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import HandoutRequest

    patient_file = Path(args.patient)
    data = read_personalisation(patient_file)
    config = config_path(args.config)
    clinic = choose_clinic(data, Path(args.clinic) if args.clinic else None, config, SAMPLES / "clinic.yaml")
    settings = load_email_settings(config)
    generator = make_generator(args)
    request = HandoutRequest(
        topic=args.topic or default_topic(data, str(patient_file)),
        data=data,
        clinic=clinic,
        made_on=args.made_on or dt.date.today(),
        layout=args.layout,
        language=args.lang,
    )
    handout = generator.build(request, str(patient_file))
    labels = load_wording(generator.library.root, handout.language).labels
    outbox = Path(args.outbox) if args.outbox else None
    done = mail_handout(handout, data, clinic, args.to, settings, labels, str(patient_file), outbox)
    print(f"Email {done} ({handout.pages}-page leaflet, {len(handout.must_say)} required warnings verified)")
    return 0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_batch(args: argparse.Namespace) -> int:
    """Make a leaflet for every row of a CSV or JSON Lines file."""
    import os
    import signal

    from generator.batch import BatchSettings, run_batch
    from generator.inputs import read_clinic
    from generator.mail_settings import load_email_settings
    from generator.paths import SAMPLES, config_path, layouts_root, library_root

    clinic_file = Path(args.clinic) if args.clinic else config_path(args.config) or SAMPLES / "clinic.yaml"
    email = load_email_settings(config_path(args.config)) if args.email else None
    if args.outbox and not args.email:
        raise InputError("--outbox: only used with --email")
    settings = BatchSettings(
        out_dir=Path(args.out),
        library=library_root(args.library),
        layouts=layouts_root(args.layouts),
        clinic=read_clinic(clinic_file),
        made_on=args.made_on or dt.date.today(),
        layout=args.layout,
        topic=args.topic,
        paper=args.paper,
        resume=args.resume,
        email=email,
        outbox=Path(args.outbox) if args.outbox else None,
    )
    make_generator(args).layout(args.layout)  # a bad --layout fails before any row
    signal.signal(signal.SIGTERM, _raise_interrupt)
    jobs = args.jobs or os.cpu_count() or 1
    summary = run_batch(Path(args.input), settings, jobs, Path(args.combine) if args.combine else None)
    rate = (summary.made + summary.skipped) / summary.seconds if summary.seconds else 0.0
    print(
        f"Batch: {summary.made} made, {summary.failed} failed, {summary.skipped} skipped (unchanged) "
        f"in {summary.seconds:.1f} s ({rate:.1f} leaflets/s). Manifest: {summary.manifest}"
    )
    if summary.emails:
        print("Email: " + ", ".join(f"{count} {outcome}" for outcome, count in sorted(summary.emails.items())))
    if args.combine:
        print(f"Combined: {args.combine} ({summary.combined_pages} pages, each leaflet starts on a front page)")
    return 1 if summary.failed or summary.emails.get("failed") else 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check a PDF for every required warning of a topic."""
    from generator.verify import missing_sentences, pdf_pages_text

    generator = make_generator(args)
    sentences = generator.required_sentences(args.topic, args.lang)
    pages = pdf_pages_text(Path(args.pdf), args.password)
    missing = missing_sentences(pages, sentences)
    for sentence in missing:
        print(f"MISSING: {sentence}")
    if missing:
        print(
            f"Error: {args.pdf}: {len(missing)} of {len(sentences)} required warnings of '{args.topic}' missing",
            file=sys.stderr,
        )
        return 6
    print(f"OK: {args.pdf}: all {len(sentences)} required warnings of '{args.topic}' found ({len(pages)} pages)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the staff web page and JSON API."""
    import ipaddress
    import os

    import uvicorn

    from generator.inputs import read_clinic
    from generator.paths import SAMPLES, config_path, layouts_root, library_root
    from generator.web.app import WebSettings, create_app

    token = args.token or os.environ.get("HANDOUT_WEB_TOKEN")
    try:
        loopback = args.host == "localhost" or ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not args.allow_remote:
        raise InputError(
            f"--host {args.host}: not a loopback address; add --allow-remote and a --token to serve others"
        )
    if not loopback and not token:
        raise InputError("--allow-remote: needs an access token (--token or HANDOUT_WEB_TOKEN) that staff enter once")
    settings = WebSettings(
        library=library_root(args.library),
        layouts=layouts_root(args.layouts),
        clinic=read_clinic(config_path(args.config) or SAMPLES / "clinic.yaml"),
        token=token,
    )
    print(f"Serving on http://{args.host}:{args.port}/ (API docs at /docs). Ctrl-C stops.")
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info", access_log=True)
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    """Check the whole content library."""
    from generator.lint import lint_library
    from generator.paths import library_root
    from generator.readability import table

    report = lint_library(library_root(args.library), args.today or dt.date.today(), args.max_grade)
    for finding in report.findings:
        print(finding)
    print("\nReadability (US grade level: Flesch-Kincaid and SMOG; ease: Flesch, Fernandez Huerta for Spanish)")
    print(table(report.readability))
    warnings = len(report.findings) - report.errors
    print(f"\nlint: {report.errors} error(s), {warnings} warning(s)")
    return 1 if report.errors else 0


def cmd_list(args: argparse.Namespace) -> int:
    """Show topics, layouts and languages."""
    from generator.labels import label_languages, load_wording

    generator = make_generator(args)
    library, layouts = generator.library, generator.layouts
    print("Topics:")
    for name in library.topic_names():
        topic = library.topic(name)
        languages = ", ".join(library.languages(name))
        print(f"  {name:<24} {topic.title} (content {topic.content_version}; languages: {languages})")
    print("Layouts:")
    for name in layouts.names():
        print(f"  {name:<24} {layouts.get(name).description}")
    print("Languages:")
    for lang in label_languages(library.root):
        print(f"  {lang:<24} {load_wording(library.root, lang).labels.language_name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="handout",
        description="Make verified, personalised medication leaflets (PDF) from reviewed content.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"patient-handouts {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="make one leaflet",
        description="Make one personalised, verified leaflet. "
        "Without --patient, uses the built-in sample patient and clinic.",
    )
    build.add_argument("topic", help="topic to print, e.g. carisoprodol (see 'handout list')")
    build.add_argument("-o", "--output", metavar="FILE", help="PDF file to write (default: TOPIC.pdf)")
    build.add_argument(
        "--patient", metavar="FILE", help="personalisation input, YAML or JSON (default: built-in sample patient)"
    )
    build.add_argument(
        "--clinic",
        metavar="FILE",
        help="clinic file (default: the patient file's clinic, else the config file's, else the sample clinic)",
    )
    build.add_argument("--config", metavar="FILE", help="clinic config file (default: $HANDOUT_CONFIG)")
    build.add_argument("--layout", default="standard", help="layout profile (default: standard)")
    build.add_argument("--paper", choices=["letter", "a4"], help="paper size (default: the layout's)")
    build.add_argument("--lang", help="language (default: the patient's language)")
    build.add_argument("--grayscale", action="store_true", help="draw for a black-and-white printer")
    build.add_argument("--made-on", type=_date, metavar="YYYY-MM-DD", help="date printed as 'made' (default: today)")
    _add_library_options(build)
    build.set_defaults(func=cmd_build)

    batch = commands.add_parser(
        "batch",
        help="make leaflets for every row of a CSV or JSON Lines file",
        description="Make a verified leaflet for every row of a CSV (columns such as patient.name, "
        "prescription.dose_mg, topic, layout, id; see the README) or JSON Lines file (.jsonl), in parallel. "
        "Bad rows are reported and skipped; the others are made. Writes DIR/manifest.csv. "
        "Exit 0 when every row was made, 1 when any row failed.",
    )
    batch.add_argument("input", help="patients file: .csv or .jsonl")
    batch.add_argument("--out", required=True, metavar="DIR", help="folder for the leaflets and manifest.csv")
    batch.add_argument(
        "--layout", default="standard", help="layout for rows without a layout column (default: standard)"
    )
    batch.add_argument("--topic", help="topic for rows without a topic column (default: the prescription's medicine)")
    batch.add_argument("--jobs", type=int, metavar="N", help="parallel processes (default: the CPU count)")
    batch.add_argument("--combine", metavar="FILE", help="also write one print-ready PDF of all leaflets in order")
    batch.add_argument("--resume", action="store_true", help="skip rows whose leaflet exists from the same inputs")
    batch.add_argument("--clinic", metavar="FILE", help="clinic for rows without clinic columns")
    batch.add_argument("--email", action="store_true", help="email each leaflet to the row's email column")
    batch.add_argument("--outbox", metavar="DIR", help="with --email: write DIR/<id>.eml files instead of sending")
    batch.add_argument("--config", metavar="FILE", help="clinic config file (default: $HANDOUT_CONFIG)")
    batch.add_argument("--paper", choices=["letter", "a4"], help="paper size (default: each layout's)")
    batch.add_argument("--made-on", type=_date, metavar="YYYY-MM-DD", help="date printed as 'made' (default: today)")
    _add_library_options(batch)
    batch.set_defaults(func=cmd_batch)

    email = commands.add_parser(
        "email",
        help="make a leaflet and email it",
        description="Make one verified leaflet and email it as a PDF attachment. SMTP settings come from the "
        "config file's email: section, overridden by HANDOUT_SMTP_HOST, HANDOUT_SMTP_PORT, HANDOUT_SMTP_TLS "
        "(none, starttls, ssl), HANDOUT_SMTP_USER, HANDOUT_SMTP_PASSWORD (environment only) and HANDOUT_MAIL_FROM.",
    )
    email.add_argument("--patient", required=True, metavar="FILE", help="personalisation input, YAML or JSON")
    email.add_argument("--to", required=True, metavar="ADDRESS", help="the patient's email address")
    email.add_argument("--topic", help="topic (default: the prescription's medicine)")
    email.add_argument("--layout", default="standard", help="layout profile (default: standard)")
    email.add_argument("--lang", help="language (default: the patient's language)")
    email.add_argument("--clinic", metavar="FILE", help="clinic file (default: the patient file's, else the config's)")
    email.add_argument(
        "--config", metavar="FILE", help="clinic config file with the email: section (default: $HANDOUT_CONFIG)"
    )
    email.add_argument("--outbox", metavar="DIR", help="write the message as DIR/leaflet.eml instead of sending it")
    email.add_argument("--made-on", type=_date, metavar="YYYY-MM-DD", help="date printed as 'made' (default: today)")
    _add_library_options(email)
    email.set_defaults(func=cmd_email)

    verify = commands.add_parser(
        "verify",
        help="check a PDF for every required warning",
        description="Exit 0 when every required warning of the topic is in the PDF's text; "
        "otherwise list each missing one and exit 6.",
    )
    verify.add_argument("pdf", help="PDF file to check")
    verify.add_argument("--topic", required=True, help="topic whose required warnings to look for")
    verify.add_argument("--lang", default="en", help="language of the warnings (default: en)")
    verify.add_argument("--password", help="password of an encrypted PDF")
    _add_library_options(verify)
    verify.set_defaults(func=cmd_verify)

    serve = commands.add_parser(
        "serve",
        help="serve the web page for front-desk staff",
        description="Serve a web page (and JSON API, documented at /docs) for making leaflets. Binds to "
        "loopback by default; another address needs --allow-remote and an access token.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--allow-remote", action="store_true", help="allow binding to a non-loopback address")
    serve.add_argument("--token", help="access token staff must enter (default: $HANDOUT_WEB_TOKEN)")
    serve.add_argument("--config", metavar="FILE", help="clinic config file (default: $HANDOUT_CONFIG)")
    _add_library_options(serve)
    serve.set_defaults(func=cmd_serve)

    lint = commands.add_parser(
        "lint",
        help="check the whole content library",
        description="Check every topic, block, translation and label file: schema, unknown keys, unused or missing "
        "blocks, broken templates, must_say sentences, translations, review dates, sources and reading level. "
        "Exit 1 when there is any error; warnings do not fail.",
    )
    lint.add_argument(
        "--library", metavar="DIR", help="content library folder (default: $HANDOUT_LIBRARY, else built-in)"
    )
    lint.add_argument("--max-grade", type=float, metavar="N", help="make a reading grade above N an error")
    lint.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="date to check review dates against")
    lint.set_defaults(func=cmd_lint)

    listing = commands.add_parser(
        "list",
        help="show topics, layouts and languages",
        description="Show the topics, layouts and languages available.",
    )
    _add_library_options(listing)
    listing.set_defaults(func=cmd_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `handout` console script."""
    args = build_parser().parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except HandoutError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
