"""The one Jinja2 environment for content: sandboxed, autoescaping, strict about undefined names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from generator.errors import ContentError


@functools.cache
def environment() -> SandboxedEnvironment:
    """Content templates are trusted markup; every value they insert is escaped."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def escape_text(value: object) -> Markup:
    """Patient and clinic text made safe for ReportLab paragraph markup."""
    return escape(str(value))


@functools.cache
def _template(source: str) -> jinja2.Template:
    return environment().from_string(source)


@functools.cache
def _expression(source: str) -> Callable[..., Any]:
    return environment().compile_expression(source, undefined_to_none=False)


def _describe(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"template syntax error: {exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"unknown template variable: {exc.message}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"template not allowed: {exc}"
    return f"template error: {exc}"


_DELIMITERS = ("{{", "{%", "{#")


@functools.cache
def _constant(source: str) -> str | None:
    """What a template without any Jinja2 syntax renders to (rendered once), or None when it has some."""
    if any(delimiter in source for delimiter in _DELIMITERS):
        return None
    return str(_template(source).render())


def render_markup(source: str, context: dict[str, Any], where: str) -> str:
    """Render a content template to ReportLab paragraph markup."""
    try:
        constant = _constant(source)
        return constant if constant is not None else str(_template(source).render(context))
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        raise ContentError(f"{where}: {_describe(exc)}") from None


def holds(expression: str, context: dict[str, Any], where: str) -> bool:
    """Evaluate a `when:` condition."""
    try:
        return bool(_expression(expression)(**context))
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        raise ContentError(f"{where}: when: {_describe(exc)}") from None


def template_problems(source: str, context: dict[str, Any], expression: bool = False) -> list[str]:
    """Problems a content template would hit, found without rendering it.

    Syntax errors, names the context does not have, and attributes its mappings do not
    have (e.g. `patient.nam`), so every branch is checked, not only the one that runs.
    """
    try:
        tree = environment().parse("{{ (" + source + ") }}" if expression else source)
        undeclared = meta.find_undeclared_variables(tree)
    except jinja2.TemplateSyntaxError as exc:
        return [f"template syntax error: {exc.message}"]
    except jinja2.TemplateError as exc:
        return [f"template error: {exc}"]
    problems = [f"unknown template variable '{name}'" for name in sorted(undeclared) if name not in context]
    for node in tree.find_all(nodes.Getattr):
        owner = context.get(node.node.name) if isinstance(node.node, nodes.Name) else None
        if isinstance(owner, dict) and node.attr not in owner:
            problems.append(f"unknown template variable '{node.node.name}.{node.attr}'")
    return problems
