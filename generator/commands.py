"""What each `handout` command does; generator.cli parses the arguments and handles errors.

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import InputError

if TYPE_CHECKING:
    from generator.mail.settings import EmailSettings
    from generator.pipeline import Generator
    from generator.verify import Expected


def make_generator(args: argparse.Namespace) -> Generator:
    from generator.content.library import Library
    from generator.layouts import LayoutLibrary
    from generator.paths import layouts_root, library_root
    from generator.pipeline import Generator

    return Generator(Library(library_root(args.library)), LayoutLibrary(layouts_root(args.layouts)))


def print_warnings(warnings: tuple[tuple[str, str], ...], where: str) -> None:
    """Staff warnings on stderr, one line each, never silent."""
    for field, message in warnings:
        print(f"Warning: {where}: {field}: {message}", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    """Make one leaflet (from a patient file, the sample, or a FHIR Bundle with --fhir)."""
    from generator.files import write_atomically
    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import Handout, HandoutRequest, HtmlHandout
    from generator.prescription.policy import read_policy, with_require

    if args.fhir and args.patient:
        raise InputError("--fhir: give either --fhir or --patient, not both")
    if not (args.topic or args.patient or args.fhir):
        message = "missing (name a topic, or give --patient FILE or --fhir FILE to take it from the prescription)"
        raise InputError(f"topic: {message}")
    generator = make_generator(args)
    fhir = None
    if args.fhir:
        from generator.content.codes import CodeIndex
        from generator.fhir.handout import read_bundle_file
        from generator.fhir.mapping import read_fhir

        patient_file = Path(args.fhir)
        library = generator.library
        bundle, made_on = read_bundle_file(patient_file), args.made_on or dt.date.today()
        fhir = read_fhir(bundle, str(patient_file), library, CodeIndex(library), made_on, args.topic)
        for warning in fhir.warnings:
            print(f"Warning: {patient_file}: {warning}", file=sys.stderr)
        data, topic = fhir.data, fhir.topic
    else:
        from generator.inputs.selection import resolve_topic

        if args.patient:  # without a topic, the one about the prescription's medicine (or each, of several)
            patient_file = Path(args.patient)
            data = read_personalisation(patient_file)
            topic = resolve_topic(generator.library, args.topic, data, "command line" if args.topic else args.patient)
        else:
            topic = resolve_topic(generator.library, args.topic, None, "command line")
            patient_file = generator.library.sample_input(topic)
            data = read_personalisation(patient_file)
    where = str(patient_file) if args.patient or args.fhir else f"the {topic} sample"
    clinic_file = Path(args.clinic) if args.clinic else None
    config = config_path(args.config)
    clinic = choose_clinic(data, clinic_file, config, SAMPLES / "clinic.yaml")
    output = Path(args.output or f"{topic or 'medicines'}.{args.format}")
    if output.is_dir():
        raise InputError(f"{output}: -o must name a file, not a folder")
    request = HandoutRequest(
        topic=topic,
        data=data,
        clinic=clinic,
        made_on=args.made_on or dt.date.today(),
        layout=args.layout,
        paper=args.paper,
        language=args.lang,
        grayscale=args.grayscale,
        policy=with_require(read_policy(config), args.require),
    )

    def make() -> Handout | HtmlHandout:
        return generator.build_html(request, where) if args.format == "html" else generator.build(request, where)

    handout: Handout | HtmlHandout
    if fhir is not None:
        from generator.fhir.handout import with_fhir_paths

        handout = with_fhir_paths(fhir, where, make)
    else:
        handout = make()
    print_warnings(handout.warnings, where)
    schedules = ", the dose schedules" if not topic else ", the dose schedule"
    checked = (
        f"{len(handout.must_say)} required warnings"
        + (schedules if not topic or generator.library.topic(topic).medicine else "")
        + ", the patient's name and the clinic's phone"
    )
    if isinstance(handout, HtmlHandout):
        write_atomically(output, handout.html.encode("utf-8"))
        print(f"Wrote {output} (HTML; verified in its text: {checked})")
    else:
        write_atomically(output, handout.pdf)
        print(f"Wrote {output} ({handout.pages} pages; verified on the page and in the tags: {checked})")
    return 0


def cmd_email(args: argparse.Namespace) -> int:
    """Make one leaflet and email it (or save the message to --outbox)."""
    from generator.content.labels import load_wording
    from generator.errors import DeliveryUncertainError
    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.inputs.selection import resolve_topic
    from generator.mail.handout import mail_handout
    from generator.mail.settings import load_email_settings
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import HandoutRequest
    from generator.prescription.policy import read_policy, with_require

    patient_file = Path(args.patient)
    data = read_personalisation(patient_file)
    config = config_path(args.config)
    clinic = choose_clinic(data, Path(args.clinic) if args.clinic else None, config, SAMPLES / "clinic.yaml")
    settings = load_email_settings(config)
    generator = make_generator(args)
    request = HandoutRequest(
        topic=resolve_topic(generator.library, args.topic, data, str(patient_file)),
        data=data,
        clinic=clinic,
        made_on=args.made_on or dt.date.today(),
        layout=args.layout,
        language=args.lang,
        policy=with_require(read_policy(config), args.require),
    )
    handout = generator.build(request, str(patient_file))
    print_warnings(handout.warnings, str(patient_file))
    labels = load_wording(generator.library.root, handout.language).labels
    outbox = Path(args.outbox) if args.outbox else None
    where = str(patient_file)
    html = (lambda note: generator.build_html(request, where, note).html) if args.format == "html" else None
    done = mail_handout(handout, data, clinic, args.to, settings, labels, where, outbox, html=html)
    if done.code:
        print(f"PDF code for this patient (give it by phone or in person, never by email): {done.code}")
    if done.uncertain:
        raise DeliveryUncertainError(f"{where}: {done.outcome}")
    print(f"Email {done.outcome} ({handout.pages}-page leaflet, {len(handout.must_say)} required warnings verified)")
    return 0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_batch(args: argparse.Namespace) -> int:
    """Make a leaflet for every row of a CSV, JSON Lines or FHIR NDJSON file, or each patient of a Bulk Data export."""
    import signal

    from generator.batch.rowmaker import BatchSettings
    from generator.batch.run import run_batch
    from generator.inputs.personalisation import read_clinic
    from generator.mail.settings import load_email_settings
    from generator.paths import SAMPLES, config_path, layouts_root, library_root
    from generator.prescription.policy import read_policy, with_require

    scheduler = args.scheduler or os.environ.get("HANDOUT_DASK_SCHEDULER") or None
    if scheduler and args.email:
        raise InputError(
            "--email: not sent from a Dask cluster (the SMTP password would travel to every worker); "
            "run the batch without --scheduler to email it"
        )
    clinic_file = Path(args.clinic) if args.clinic else config_path(args.config) or SAMPLES / "clinic.yaml"
    email = load_email_settings(config_path(args.config)) if args.email else None
    if args.outbox and not args.email:
        raise InputError("--outbox: only used with --email")
    settings = BatchSettings(
        out=args.out,
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
        policy=with_require(read_policy(config_path(args.config)), args.require),
    )
    make_generator(args).layout(args.layout)  # a bad --layout fails before any row
    signal.signal(signal.SIGTERM, _raise_interrupt)
    jobs = args.jobs or os.cpu_count() or 1
    combine = Path(args.combine) if args.combine else None
    summary = run_batch(Path(args.input), settings, jobs, combine, scheduler, args.fhir_bulk)
    rate = (summary.made + summary.skipped) / summary.seconds if summary.seconds else 0.0
    print(
        f"Batch: {summary.made} made, {summary.failed} failed, {summary.skipped} skipped (unchanged, or nothing to "
        f"make) in {summary.seconds:.1f} s ({rate:.1f} leaflets/s). Manifest: {summary.manifest}"
    )
    if summary.emails:
        print("Email: " + ", ".join(f"{count} {outcome}" for outcome, count in sorted(summary.emails.items())))
    if args.combine:
        print(f"Combined: {args.combine} ({summary.combined_pages} pages, each leaflet starts on a front page)")
    return 1 if summary.failed or summary.emails.get("failed") or summary.emails.get("delivery uncertain") else 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check that a PDF visibly shows every required warning of its topics (and, with --patient, the
    prescriptions); the topics are --topic's, else the patient file's, else those the PDF names."""
    from generator.inputs.selection import resolve_language
    from generator.verify import Expected, check_pages
    from generator.verify.reader import read_pages, read_topics

    generator = make_generator(args)
    rules = generator.visibility_rules(args.layout)
    if args.patient:
        pages = read_pages(Path(args.pdf), args.pdf, args.password)  # a missing or locked PDF is said first
        variants, language, topics = _patient_expectations(args, generator)
        problems = min((check_pages(pages, expected, rules) for expected in variants), key=len)
        expected = variants[0]
    else:
        named = args.topic or read_topics(Path(args.pdf), args.pdf, args.password)
        topics = _topics(generator, named, args.pdf) if named else []
        pages = read_pages(Path(args.pdf), args.pdf, args.password)
        topics = topics or _topics(generator, [], args.pdf)
        language = ""
        for topic_name in topics:
            language = resolve_language(generator.library, topic_name, args.lang, None, args.pdf)
        sentences = dict.fromkeys(s for topic in topics for s in generator.required_sentences(topic, language))
        expected = [Expected(f'required warning "{s}"', s) for s in sentences]
        problems = check_pages(pages, expected, rules)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    several = len(topics) > 1
    personal = f"patient, prescriber and dose schedule{'s' if several else ''}" if args.patient else ""
    checked = "required warnings" + (f", {personal}" if personal else "")
    named = ", ".join(f"'{topic}'" for topic in topics)
    if problems:
        print(f"Error: {args.pdf}: {len(problems)} problem(s) with the {checked} of {named}", file=sys.stderr)
    else:
        shown = sum(item.what.startswith("required warning") for item in expected)
        medicine = any(generator.library.topic(topic).medicine for topic in topics)
        print(f"OK: {args.pdf}: {shown} required warnings of {named} ({language}) visible", end="")
        print(f"; the {personal} match" if personal and medicine else "", end="")
        print(f" ({len(pages)} pages)")
    unrecorded = _print_chain(args, generator, topics, language)
    if problems:
        return 6
    if unrecorded:
        print(f"Error: {args.pdf}: {unrecorded} printed file(s) missing from its content chain", file=sys.stderr)
        return 6
    return 0


def _print_chain(args: argparse.Namespace, generator: Generator, topics: list[str], language: str) -> int:
    """Print the content chain the PDF's XMP records, each file held against the library as it is now; how many
    files the leaflet prints that the chain does not record (none when the PDF records no chain)."""
    from generator.verify.chain import chain_lines, parse_chain, read_xmp, unrecorded

    xmp = read_xmp(Path(args.pdf), args.password)
    chain = parse_chain(xmp, args.pdf) if xmp is not None else None
    if chain is None:
        print("Content chain: none in the PDF's XMP (made before leaflets recorded one, or not by patient-handouts)")
        return 0
    for line in chain_lines(chain, generator.library):
        print(line)
    missing = unrecorded(chain, generator.library, topics, language)
    for problem in missing:
        print(f"PROBLEM: {problem}")
    return len(missing)


def _topics(generator: Generator, named: list[str], where: str) -> list[str]:
    """The topics named (by topic, medicine or brand name), each once; an error when there are none."""
    from generator.inputs.selection import resolve_topic

    if not named:
        raise InputError(f"{where}: topic: the PDF names no topic; give --topic (once for each medicine)")
    return list(dict.fromkeys(resolve_topic(generator.library, topic, None, where) for topic in named))


def _patient_expectations(
    args: argparse.Namespace, generator: Generator
) -> tuple[list[list[Expected]], str, list[str]]:
    """What a leaflet made for --patient must show, as `handout build` would have made it: one list per way a
    layout can print it (short or long dates, with or without the calendar), --layout's only, else those of every
    installed layout that can hold it; the language and the topics."""
    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.inputs.selection import resolve_topic
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import HandoutRequest
    from generator.prescription.policy import read_policy
    from generator.verify.reader import read_topics

    patient_file = Path(args.patient)
    data = read_personalisation(patient_file)
    config = config_path(args.config)
    clinic = choose_clinic(data, Path(args.clinic) if args.clinic else None, config, SAMPLES / "clinic.yaml")
    named = args.topic or []
    if len(named) > 1 or (data.prescriptions and named):
        raise InputError("--topic: one topic for a patient file of one prescription or none; none for several")
    if not named and data.prescription is None and not data.prescriptions:
        named = read_topics(Path(args.pdf), args.pdf, args.password)  # no prescription: the topic the PDF names
        if len(named) > 1:
            message = "the PDF is for several medicines; the patient file has none"
            raise InputError(f"{patient_file}: prescriptions: {message}")
    topic = resolve_topic(generator.library, (named or [None])[0], data, args.pdf)
    variants: dict[tuple[Expected, ...], None] = {}
    language, topics = "", [topic]
    made_on = args.made_on or dt.date.today()
    for name in [args.layout] if args.layout else generator.layouts.names():
        layout = generator.layout(name)
        if data.prescriptions and not layout.several_medicines:
            continue
        request = HandoutRequest(topic, data, clinic, made_on, name, language=args.lang, policy=read_policy(config))
        prepared = generator.prepare(request, str(patient_file))
        variants[prepared.expected] = None
        language, topics = prepared.language, list(prepared.leaflet.topics)
    if not variants:
        holds = f"layout '{args.layout}' holds" if args.layout else "every installed layout holds"
        raise InputError(f"--layout: {holds} one medicine; this patient file has several")
    return [list(expected) for expected in variants], language, topics


def _web_token(args: argparse.Namespace) -> str | None:
    """The access token, from $HANDOUT_WEB_TOKEN or --token-file; never from the command line."""

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


def _web_email(config: Path | None) -> EmailSettings | None:
    """The email settings when the config has an email: section or the environment sets the sender; else none."""

    from generator.mail.settings import ENVIRONMENT, load_email_settings
    from generator.yamlio import load_mapping

    in_config = config is not None and "email" in load_mapping(config, InputError)
    if not in_config and not any(os.environ.get(variable) for variable in ENVIRONMENT):
        return None
    return load_email_settings(config)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the staff web page and JSON API."""
    import ipaddress

    from generator.inputs.personalisation import read_clinic, read_prescribers
    from generator.paths import SAMPLES, config_path, layouts_root, library_root
    from generator.prescription.policy import read_policy, with_require
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
    config = config_path(args.config)
    email = _web_email(config)
    if args.outbox and email is None:
        raise InputError("--outbox: email is not set up (an email: section in the config, or HANDOUT_MAIL_FROM)")
    settings = WebSettings(
        library=library_root(args.library),
        layouts=layouts_root(args.layouts),
        clinic=read_clinic(config or SAMPLES / "clinic.yaml"),
        token=token,
        allowed_hosts=hosts,
        policy=with_require(read_policy(config), args.require),
        prescribers=read_prescribers(config) if config else (),
        email=email,
        outbox=Path(args.outbox) if args.outbox else None,
        workers=(os.cpu_count() or 1) if args.workers is None else args.workers,
        queue=args.queue,
    )
    print(f"Serving on http://{args.host}:{args.port}/ (API docs at /docs). Ctrl-C stops.")
    serve(settings, args.host, args.port)
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    """Check the whole content library."""
    from generator.content.lint import lint_library
    from generator.content.readability import table
    from generator.paths import config_path, library_root
    from generator.prescription.policy import read_policy

    months = read_policy(config_path(args.config)).content.review_months
    report = lint_library(library_root(args.library), args.today or dt.date.today(), args.max_grade, months)
    for finding in report.findings:
        print(finding)
    print("\nReadability (US grade level: Flesch-Kincaid and SMOG; ease: Flesch, Fernandez Huerta for Spanish)")
    print(table(report.readability))
    print(f"\nlint: {report.errors} error(s), {report.warnings} warning(s)")
    return 1 if report.errors else 0


def cmd_approve(args: argparse.Namespace) -> int:
    """Record approvals of a topic's content in one language, as it is now."""
    from generator.content.approvals import ApprovalBook
    from generator.content.approve import Approver, files_to_approve, record_approvals
    from generator.content.library import Library
    from generator.inputs.selection import resolve_topic
    from generator.paths import config_path
    from generator.prescription.policy import read_policy

    if not args.library:
        raise InputError("--library: required: the built-in library is package data; approve a copy of it")
    if not args.name.strip():
        raise InputError("--name: empty: give the name of who approves")
    library = Library(Path(args.library))
    topic = resolve_topic(library, args.topic, None, "command line")
    months = read_policy(config_path(args.config)).content.review_months
    who = Approver(args.name.strip(), args.role, args.date or dt.date.today(), months)
    book = ApprovalBook(library)
    files = files_to_approve(book, topic, args.lang, args.role, args.block)
    for path in record_approvals(book, files, who):
        print(f"Wrote {path}")
    print(
        f"Approved {len(files)} file(s) of {topic} ({args.lang}) as {who.role} {who.name} on {who.date.isoformat()}, "
        f"due after {months} months"
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Write a review packet (HTML or PDF, by the output's suffix) of a topic's content in one language."""
    from generator.content.library import Library
    from generator.content.review_packet import build_packet
    from generator.files import write_atomically
    from generator.inputs.selection import resolve_topic
    from generator.paths import config_path, library_root
    from generator.prescription.policy import read_policy

    output = Path(args.output)
    kind = output.suffix.lower()
    if kind not in {".html", ".htm", ".pdf"}:
        raise InputError(f"-o {output}: expected a file ending .html or .pdf (the packet's format)")
    library = Library(library_root(args.library))
    topic = resolve_topic(library, args.topic, None, "command line")
    months = read_policy(config_path(args.config)).content.review_months
    packet = build_packet(library, topic, args.lang, args.date or dt.date.today(), args.since, months)
    if kind == ".pdf":
        from generator.render.review_pdf import render_review_pdf

        data = render_review_pdf(packet)
    else:
        from generator.html.review import render_review_html

        data = render_review_html(packet).encode("utf-8")
    write_atomically(output, data)
    shown = f"{len(packet.entries)} of {packet.total}" if args.since else str(packet.total)
    print(f"Wrote {output}: {shown} file(s) of {topic} ({args.lang}) to review")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Show topics, layouts and languages."""
    from generator.content.labels import label_languages, load_wording

    generator = make_generator(args)
    library, layouts = generator.library, generator.layouts
    print("Topics:")
    for name in library.topic_names():
        topic = library.topic(name)
        languages = ", ".join(library.languages(name))
        print(f"  {name:<24} {topic.title} (content {topic.content_version}; languages: {languages})")
        sample = library.sample_path(name)
        if sample is not None:
            print(f"  {'':<24} sample: {sample} (handout build {name} -o {name}.pdf)")
    print("Layouts:")
    for name in layouts.names():
        print(f"  {name:<24} {layouts.get(name).description}")
    print("Languages:")
    for lang in label_languages(library.root):
        print(f"  {lang:<24} {load_wording(library.root, lang).labels.language_name}")
    if args.codes:
        from generator.content.codes import CodeIndex

        print("Codes (RxNorm RxCUI -> topic):")
        for rxcui, match in CodeIndex(library).items():
            strength = f", {match.code.strength_mg:g} mg tablets" if match.code.strength_mg else ""
            if match.code.tty == "IN":
                strength = " (ingredient: no tablet strength; an order in tablets needs a product code)"
            print(f"  {rxcui:<10} {match.code.tty:<4} {match.topic:<18} {match.code.name}{strength}")
            print(f"  {'':<10} source: {match.code.source}")
    return 0
