"""What each `handout` command does; generator.cli parses the arguments and handles errors.

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import InputError

if TYPE_CHECKING:
    from generator.pipeline import Generator


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
    from generator.errors import DeliveryUncertainError
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
    where = str(patient_file)
    done = mail_handout(handout, data, clinic, args.to, settings, labels, where, outbox)
    if done.code:
        print(f"PDF code for this patient (give it by phone or in person, never by email): {done.code}")
    if done.uncertain:
        raise DeliveryUncertainError(f"{where}: {done.outcome}")
    print(f"Email {done.outcome} ({handout.pages}-page leaflet, {len(handout.must_say)} required warnings verified)")
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
    return 1 if summary.failed or summary.emails.get("failed") or summary.emails.get("delivery uncertain") else 0


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


def _web_token(args: argparse.Namespace) -> str | None:
    """The access token, from $HANDOUT_WEB_TOKEN or --token-file; never from the command line."""
    import os

    from generator.web.app import MIN_TOKEN_LENGTH

    if args.token is not None:
        raise InputError(
            "--token: a token on the command line is visible to every user of this computer (ps); "
            "set HANDOUT_WEB_TOKEN or use --token-file FILE"
        )
    from_env = os.environ.get("HANDOUT_WEB_TOKEN") or None
    if args.token_file and from_env:
        raise InputError("--token-file: HANDOUT_WEB_TOKEN is set too; give the token in one place")
    token, where = from_env, "HANDOUT_WEB_TOKEN"
    if args.token_file:
        where = args.token_file
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{where}: cannot read the token file ({exc.__class__.__name__})") from None
    if token is not None and len(token.strip()) < MIN_TOKEN_LENGTH:
        raise InputError(
            f"{where}: the access token must be at least {MIN_TOKEN_LENGTH} characters "
            "(make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
        )
    return token.strip() if token else None


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the staff web page and JSON API."""
    import ipaddress

    from generator.inputs import read_clinic
    from generator.paths import SAMPLES, config_path, layouts_root, library_root
    from generator.web.app import LOOPBACK_NAMES, WebSettings
    from generator.web.server import serve

    token = _web_token(args)
    try:
        address = ipaddress.ip_address(args.host)
    except ValueError:
        address = None
    loopback = args.host == "localhost" or (address is not None and address.is_loopback)
    if not loopback and not args.allow_remote:
        raise InputError(
            f"--host {args.host}: not a loopback address; add --allow-remote and an access token to serve others"
        )
    if not loopback and not token:
        raise InputError("--allow-remote: needs an access token (HANDOUT_WEB_TOKEN or --token-file) that staff enter")
    wildcard = address is not None and address.is_unspecified
    if wildcard and not args.allowed_host:
        raise InputError(
            f"--host {args.host}: listens on every address; name the host browsers will use with --allowed-host"
        )
    hosts = (*LOOPBACK_NAMES, *([] if wildcard else [args.host]), *args.allowed_host)
    settings = WebSettings(
        library=library_root(args.library),
        layouts=layouts_root(args.layouts),
        clinic=read_clinic(config_path(args.config) or SAMPLES / "clinic.yaml"),
        token=token,
        allowed_hosts=hosts,
    )
    print(f"Serving on http://{args.host}:{args.port}/ (API docs at /docs). Ctrl-C stops.")
    serve(settings, args.host, args.port)
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
