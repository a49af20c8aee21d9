"""`handout user add|remove` (staff accounts of `handout serve --users FILE`) and `handout audit` (its log)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

AUDIT_COLUMNS = ("time", "user", "action", "status", "topic", "language", "layout", "format", "code", "content")


def cmd_user_add(args: argparse.Namespace) -> int:
    """Add a staff account and print its token, once."""
    from generator.web.accounts import add_account

    token = add_account(Path(args.users), args.name, args.role)
    print(f"Added {args.name} ({args.role}) to {args.users}. Their access token, shown only now:")
    print(token)
    print("Give it to them in person; the server knows it after a restart.")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    """Remove a staff account."""
    from generator.web.accounts import remove_account

    remove_account(Path(args.users), args.name)
    print(f"Removed {args.name} from {args.users}; restart the server for it to take effect.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Print the audit log's lines, from a date and of one person when asked."""
    from generator.audit import read_audit

    entries = read_audit(Path(args.file), args.since, args.user)
    if args.json:
        for entry in entries:
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    print("\t".join(AUDIT_COLUMNS))
    for entry in entries:
        print("\t".join("-" if entry.get(column) is None else str(entry[column]) for column in AUDIT_COLUMNS))
    return 0
