"""What each `handout` command does; generator.cli parses the arguments and handles errors."""

from generator.commands.content import cmd_approve, cmd_lint, cmd_list, cmd_review
from generator.commands.leaflets import cmd_batch, cmd_build, cmd_email
from generator.commands.serve import cmd_serve
from generator.commands.staff import cmd_audit, cmd_user_add, cmd_user_remove
from generator.commands.verify import cmd_verify

__all__ = [
    "cmd_approve",
    "cmd_audit",
    "cmd_batch",
    "cmd_build",
    "cmd_email",
    "cmd_lint",
    "cmd_list",
    "cmd_review",
    "cmd_serve",
    "cmd_user_add",
    "cmd_user_remove",
    "cmd_verify",
]
