"""`handout serve`: the web server (desk page, JSON and FHIR APIs, Infobutton).

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import InputError

if TYPE_CHECKING:
    from generator.mail.settings import EmailSettings


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

    from generator.commands.serve_access import serve_access
    from generator.inputs.personalisation import read_clinic, read_prescribers
    from generator.paths import SAMPLES, config_path, layouts_root, library_root
    from generator.prescription.policy import read_policy, with_require
    from generator.web.app import LOOPBACK_NAMES, WebSettings
    from generator.web.server import serve

    token = _web_token(args)
    access = serve_access(args, token)
    try:
        address = ipaddress.ip_address(args.host)
    except ValueError:
        address = None
    loopback = args.host == "localhost" or (address is not None and address.is_loopback)
    if not loopback and not args.allow_remote:
        raise InputError(
            f"--host {args.host}: not a loopback address; add --allow-remote and an access token to serve others"
        )
    remote = not loopback or access.proxy is not None  # a proxy brings the network's requests to loopback
    if remote and not token and not access.names_staff:
        option = "--allow-remote" if not loopback else "--behind-proxy"
        raise InputError(
            f"{option}: needs an access token: each person's (--users FILE, or --user-header from the proxy) "
            "or a shared one (HANDOUT_WEB_TOKEN or --token-file)"
        )
    wildcard = address is not None and address.is_unspecified
    if wildcard and not args.allowed_host:
        raise InputError(
            f"--host {args.host}: listens on every address; name the host browsers will use with --allowed-host"
        )
    if not loopback and not access.encrypted:
        raise InputError(
            "--allow-remote: patients' names and prescriptions would cross the network unencrypted; give "
            "--tls-cert FILE and --tls-key FILE, or --behind-proxy ADDR for the reverse proxy that terminates TLS"
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
        accounts=access.accounts,
        user_header=access.user_header,
        proxy=access.proxy,
        tls=access.tls,
        audit_log=Path(args.audit_log) if args.audit_log else None,
        allowed_hosts=hosts,
        policy=with_require(read_policy(config), args.require),
        prescribers=read_prescribers(config) if config else (),
        email=email,
        outbox=Path(args.outbox) if args.outbox else None,
        workers=(os.cpu_count() or 1) if args.workers is None else args.workers,
        queue=args.queue,
    )
    scheme = "https" if access.tls else "http"
    print(f"Serving on {scheme}://{args.host}:{args.port}/ (API docs at /docs). Ctrl-C stops.")
    serve(settings, args.host, args.port)
    return 0
