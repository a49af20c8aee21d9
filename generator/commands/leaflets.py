"""`handout build`, `handout email` and `handout batch`: commands that make leaflets.

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from generator.commands.common import make_generator, print_warnings
from generator.errors import InputError


def cmd_build(args: argparse.Namespace) -> int:
    """Make one leaflet (from a patient file, the sample, or a FHIR Bundle with --fhir)."""
    from generator.files import write_atomically
    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import Handout, HandoutRequest, HtmlHandout
    from generator.prescription.policy import read_policy, with_require

    made_on = args.made_on or dt.date.today()  # one day for the names read and the leaflet
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
        bundle = read_bundle_file(patient_file)
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
        made_on=made_on,
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
        audit=args.audit,
    )
    make_generator(args).layout(args.layout)  # a bad --layout fails before any row
    if args.audit:
        from generator.verify.rendered.ocr import installed_models

        installed_models("--audit")  # no Tesseract: said once, before any row
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
