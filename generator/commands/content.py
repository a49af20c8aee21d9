"""`handout lint`, `approve`, `review` and `list`: commands about the content library.

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from generator.commands.common import make_generator
from generator.errors import InputError


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
        labels = load_wording(library.root, lang).labels
        draft = " (machine draft: not yet checked by a translator)" if labels.origin == "machine" else ""
        print(f"  {lang:<24} {labels.language_name}{draft}")
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
