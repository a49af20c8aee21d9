"""The `handout` command: a thin front end over generator.pipeline.

Every command turns HandoutError into one 'Error: ...' line and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence

from generator import __version__
from generator.commands import (
    cmd_approve,
    cmd_audit,
    cmd_batch,
    cmd_build,
    cmd_email,
    cmd_lint,
    cmd_list,
    cmd_review,
    cmd_serve,
    cmd_user_add,
    cmd_user_remove,
    cmd_verify,
)
from generator.errors import HandoutError

EXAMPLES = """examples:
  handout build carisoprodol -o leaflet.pdf
  handout build carisoprodol --format html -o leaflet.html
  handout build carisoprodol --patient patient.yaml --clinic clinic.yaml --layout standard --paper a4 -o out.pdf
  handout build --fhir bundle.json -o out.pdf
  handout verify out.pdf --topic carisoprodol
  handout batch patients.csv --out leaflets/ --combine print.pdf
  handout list
  handout user add alice --role desk --users /etc/handout/users.yaml
  handout audit /var/lib/handout/audit.jsonl --since 2026-12-01 --user alice

environment:
  HANDOUT_LIBRARY   content library folder (like --library)
  HANDOUT_LAYOUTS   layout profiles folder (like --layouts)
  HANDOUT_CONFIG    clinic config file (like --config)
  HANDOUT_CACHE_DIR where generated font files are cached
  HANDOUT_DASK_SCHEDULER  Dask scheduler for handout batch (like --scheduler)
"""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{value}'") from None


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{value}'")
    return int(value)


def _percent(value: str) -> float:
    try:
        percent = float(value)
    except ValueError:
        percent = -1.0
    if not 0 <= percent <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got '{value}'")
    return percent


def _add_input_options(parser: argparse.ArgumentParser, made_on: bool = True) -> None:
    """Options every command that makes leaflets shares: clinic config, made-on date, library, layouts."""
    parser.add_argument("--config", metavar="FILE", help="clinic config file (default: $HANDOUT_CONFIG)")
    if made_on:
        parser.add_argument(
            "--made-on", type=_date, metavar="YYYY-MM-DD", help="date printed as 'made' (default: today)"
        )
    _add_library_options(parser)


def _add_require_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--require",
        choices=["any", "approved"],
        help="approved: refuse a leaflet that prints any file not approved on its made-on date "
        "(default: the config's content: require, else any; the command line cannot lower the config's)",
    )


def _add_library_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--library", metavar="DIR", help="content library folder (default: $HANDOUT_LIBRARY, else built-in)"
    )
    parser.add_argument(
        "--layouts", metavar="DIR", help="layout profiles folder (default: $HANDOUT_LAYOUTS, else built-in)"
    )


def _add_cycle_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="FILE", help="clinic config file: its review cycle (default: $HANDOUT_CONFIG)"
    )


def _add_topic_language(parser: argparse.ArgumentParser, topic_help: str) -> None:
    """The topic and --lang of a command about one topic's content in one language (approve, review)."""
    parser.add_argument("topic", help=topic_help)
    parser.add_argument("--lang", required=True, help="language of the leaflet (en, es, ...)")


def _add_clinic_options(serve: argparse.ArgumentParser) -> None:
    """`handout serve`'s options for running it at a clinic: TLS, a reverse proxy, staff accounts, the audit log."""
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM; with --tls-key)")
    serve.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    serve.add_argument(
        "--behind-proxy",
        metavar="ADDR",
        help="the IP address of the reverse proxy that terminates TLS: the only client answered, and it must send "
        "X-Forwarded-Proto: https",
    )
    serve.add_argument(
        "--users", metavar="FILE", help="staff accounts (handout user add): each person enters their own token"
    )
    serve.add_argument(
        "--user-header",
        metavar="NAME",
        help="a header in which the --behind-proxy proxy names who it signed in, e.g. X-Forwarded-User",
    )
    serve.add_argument(
        "--audit-log",
        metavar="FILE",
        help="append who made, printed, emailed or was refused which leaflet (JSON Lines)",
    )


def _add_staff_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`handout user add|remove` and `handout audit`."""
    user = commands.add_parser(
        "user", help="add or remove a staff account of handout serve --users FILE", description="Staff accounts."
    )
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add an account and print its token once",
        description="Add a staff account to the users file (made if missing, readable by its owner only) and print "
        "its access token once; only a salted scrypt hash of it is stored.",
    )
    add.add_argument("name", help="the person's name as staff and the audit log know it (letters, digits, ._@-)")
    add.add_argument("--role", choices=["desk", "admin"], default="desk", help="admin may also read /metrics")
    add.add_argument("--users", required=True, metavar="FILE", help="the users file")
    add.set_defaults(func=cmd_user_add)
    remove = actions.add_parser("remove", help="remove an account", description="Remove a staff account.")
    remove.add_argument("name", help="the person's name")
    remove.add_argument("--users", required=True, metavar="FILE", help="the users file")
    remove.set_defaults(func=cmd_user_remove)

    audit = commands.add_parser(
        "audit",
        help="print the web server's audit log",
        description="Print the lines of an audit log (handout serve --audit-log FILE): time, user, action, status, "
        "topic, language, layout, format, the leaflet's code and its content status, one a line, tab-separated.",
    )
    audit.add_argument("file", help="the audit log")
    audit.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only lines from this date on (UTC)")
    audit.add_argument("--user", metavar="NAME", help="only this person's lines")
    audit.add_argument("--json", action="store_true", help="print the lines as they are stored (JSON Lines)")
    audit.set_defaults(func=cmd_audit)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="handout",
        description="Make verified, personalised medication leaflets (PDF) from sourced content.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"patient-handouts {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="make one leaflet",
        description="Make one personalised, verified leaflet. "
        "Without --patient or --fhir, uses the built-in sample patient and clinic.",
    )
    build.add_argument(
        "topic",
        nargs="?",
        help="topic to print, e.g. carisoprodol (see 'handout list'); with --patient or --fhir, by default the "
        "one about the prescription's medicine",
    )
    build.add_argument("-o", "--output", metavar="FILE", help="file to write (default: TOPIC.pdf or TOPIC.html)")
    build.add_argument(
        "--format",
        choices=["pdf", "html"],
        default="pdf",
        help="pdf (tagged PDF/UA-1, the default) or html (one self-contained, accessible web page)",
    )
    build.add_argument(
        "--patient", metavar="FILE", help="personalisation input, YAML or JSON (default: built-in sample patient)"
    )
    build.add_argument(
        "--fhir", metavar="FILE", help="a FHIR R4 Bundle (JSON): Patient, MedicationRequest, Practitioner, Medication"
    )
    build.add_argument(
        "--clinic",
        metavar="FILE",
        help="clinic file (default: the patient file's clinic, else the config file's, else the sample clinic)",
    )
    build.add_argument("--layout", default="standard", help="layout profile (default: standard)")
    build.add_argument("--paper", choices=["letter", "a4"], help="paper size (default: the layout's)")
    build.add_argument("--lang", help="language (default: the patient's language)")
    build.add_argument("--grayscale", action="store_true", help="draw for a black-and-white printer")
    _add_input_options(build)
    _add_require_option(build)
    build.set_defaults(func=cmd_build)

    batch = commands.add_parser(
        "batch",
        help="make leaflets for every row of a CSV, JSON Lines or FHIR NDJSON file, or a Bulk Data export",
        description="Make a verified leaflet for every row of a CSV (columns such as patient.name, "
        "prescription.dose_mg, topic, layout, id; see docs/batches.md), JSON Lines file (.jsonl), FHIR NDJSON file "
        "(.ndjson, a Bundle a line) or, with --fhir-bulk, a FHIR Bulk Data export folder (a leaflet per patient), "
        "in parallel. "
        "Bad rows are reported and skipped; the others are made. Writes DIR/manifest.csv. "
        "Exit 0 when every row was made, 1 when any row failed.",
    )
    batch.add_argument("input", help="patients file: .csv, .jsonl or .ndjson (FHIR Bundles); with --fhir-bulk a folder")
    batch.add_argument(
        "--fhir-bulk",
        action="store_true",
        help="INPUT is the folder of a FHIR Bulk Data export (.ndjson files): one leaflet per patient",
    )
    batch.add_argument(
        "--out", required=True, metavar="DIR", help="folder (or fsspec URL, e.g. s3://bucket/prefix) for the leaflets"
    )
    batch.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="make the rows on this Dask cluster (default: $HANDOUT_DASK_SCHEDULER, else local processes)",
    )
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
    batch.add_argument("--paper", choices=["letter", "a4"], help="paper size (default: each layout's)")
    batch.add_argument(
        "--audit",
        type=_percent,
        default=0.0,
        metavar="PCT",
        help="also check the ink of this percentage of rows and read them back with Tesseract (the same rows on "
        "--resume; the manifest's audit column)",
    )
    _add_input_options(batch)
    _add_require_option(batch)
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
    email.add_argument("--outbox", metavar="DIR", help="write the message as DIR/leaflet.eml instead of sending it")
    email.add_argument(
        "--format",
        choices=["pdf", "html"],
        default="pdf",
        help="html: the whole leaflet as the message's HTML body, the PDF still attached (default: pdf, a short body)",
    )
    _add_input_options(email)
    _add_require_option(email)
    email.set_defaults(func=cmd_email)

    verify = commands.add_parser(
        "verify",
        help="check a PDF or HTML leaflet shows every required warning (and, with --patient, the prescription)",
        description="Re-read a leaflet PDF and check that every required warning of the topic is visible on the page "
        "(inside the margins, big enough, filled, with enough contrast, not covered) and, rendered, shows the ink its "
        "glyphs cover. With --patient, also check the "
        "patient's name, the prescriber, the clinic's phone, the last day and every row of the dose schedule against "
        "that input. An HTML leaflet must also hold only the generator's own markup and stylesheet. Exit 0 when all "
        "is there; otherwise list each problem and exit 6.",
    )
    verify.add_argument("pdf", metavar="FILE", help="PDF or HTML leaflet to check")
    verify.add_argument(
        "--topic",
        action="append",
        help="topic whose required warnings to look for, once for each medicine "
        "(default: the patient file's, else the topics the PDF names)",
    )
    verify.add_argument("--patient", metavar="FILE", help="the input the leaflet should have been made from")
    verify.add_argument("--clinic", metavar="FILE", help="with --patient: the clinic file it was made with")
    verify.add_argument("--lang", help="language of the warnings (default: the patient's, else en)")
    verify.add_argument("--layout", help="layout it was made with: its margins and minimum size (default: any)")
    verify.add_argument("--password", help="password of an encrypted PDF")
    verify.add_argument(
        "--ocr", action="store_true", help="also read the rendered pages with Tesseract (English or Spanish)"
    )
    _add_input_options(verify)
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
    serve.add_argument(
        "--token-file",
        metavar="FILE",
        help="file holding the access token staff must enter (at least 16 characters; or set $HANDOUT_WEB_TOKEN)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name browsers use to reach the server (repeatable; loopback names are always allowed)",
    )
    serve.add_argument(
        "--outbox", metavar="DIR", help="email from the page writes DIR/<topic>-<date>-<code>.eml instead of sending"
    )
    serve.add_argument("--token", help=argparse.SUPPRESS)  # refused: argv is visible to every user (ps)
    serve.add_argument(
        "--workers", type=_count, metavar="N", help="processes that make leaflets (default: the number of CPUs)"
    )
    serve.add_argument(
        "--queue", type=_count, default=8, metavar="N", help="builds that may wait; more get 503 (default: 8)"
    )
    _add_clinic_options(serve)
    _add_input_options(serve, made_on=False)
    _add_require_option(serve)
    serve.set_defaults(func=cmd_serve)
    _add_staff_commands(commands)

    lint = commands.add_parser(
        "lint",
        help="check the whole content library",
        description="Check every topic, block, translation and label file: schema, unknown keys, unused or missing "
        "blocks, broken templates, must_say sentences, translations, sources and reading level; and, as "
        "information, each topic's content status per language, approvals that no longer match and approvals due "
        "within 60 days. Exit 1 when there is any error; warnings do not fail.",
    )
    lint.add_argument(
        "--library", metavar="DIR", help="content library folder (default: $HANDOUT_LIBRARY, else built-in)"
    )
    lint.add_argument("--max-grade", type=float, metavar="N", help="make a reading grade above N an error")
    lint.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="date to check approvals against")
    _add_cycle_option(lint)
    lint.set_defaults(func=cmd_lint)

    approve = commands.add_parser(
        "approve",
        help="record approvals of a topic's content as it is now",
        description="Record an approval, by name and role, of everything the topic's leaflet prints in a language "
        "(its blocks, the shared blocks it uses, the topic's file and the labels file), or of one file with "
        "--block, over each file's content hash, due after the review cycle (24 months, or the config's "
        "content: review_months). Writes approvals.yaml beside each file. A translator or reviser approves the "
        "translated files only. Needs --library: the built-in library is package data.",
    )
    _add_topic_language(approve, "topic whose leaflet to approve, e.g. carisoprodol")
    approve.add_argument("--library", metavar="DIR", help="the clinic's content library folder (required)")
    approve.add_argument("--name", required=True, help="who approves, as it is to be recorded")
    approve.add_argument(
        "--role",
        required=True,
        choices=["pharmacist", "physician", "nurse", "health-literacy", "translator", "reviser"],
        help="in what role",
    )
    approve.add_argument("--block", metavar="PATH", help="approve this one file (a path in the library) only")
    approve.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="date of the approval (default: today)")
    _add_cycle_option(approve)
    approve.set_defaults(func=cmd_approve)

    review = commands.add_parser(
        "review",
        help="write a review packet of a topic's content, to read before approving it",
        description="Write a review packet (HTML, or PDF when the output ends .pdf) of everything the topic's "
        "leaflet prints in a language, the files 'handout approve' approves: each block as printed (title, body, "
        "short version, must_say), its sources, origin, checked note, status on --date and approvals; for a "
        "translation, the English beside it. --since shows only the files whose content differs from their latest "
        "approval (or that were never approved).",
    )
    _add_topic_language(review, "topic to review, e.g. carisoprodol")
    review.add_argument(
        "--library", metavar="DIR", help="content library folder (default: $HANDOUT_LIBRARY, else built-in)"
    )
    review.add_argument("-o", "--output", required=True, metavar="FILE", help="packet.html or packet.pdf")
    review.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="date of the statuses (default: today)")
    review.add_argument(
        "--since",
        metavar="VERSION",
        help="only what changed since the content version VERSION was approved: the library keeps no earlier "
        "content, so each file is compared with its latest approval",
    )
    _add_cycle_option(review)
    review.set_defaults(func=cmd_review)

    listing = commands.add_parser(
        "list",
        help="show topics, layouts and languages",
        description="Show the topics, layouts and languages available.",
    )
    listing.add_argument("--codes", action="store_true", help="also show the RxNorm codes that select each topic")
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
    except BrokenPipeError:  # e.g. `handout list | head`: the reader has gone; say nothing more
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (stays open until exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
