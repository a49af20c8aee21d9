"""`handout serve`'s options for who may connect and how: TLS, the reverse proxy, staff accounts, the user header.

Checked before the server starts, each refusal one line naming the option and the rule.
"""

from __future__ import annotations

import argparse
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError
from generator.web.accounts import Accounts, read_accounts


@dataclass(frozen=True)
class ServeAccess:
    """What the options say, checked."""

    tls: tuple[Path, Path] | None
    proxy: str | None
    accounts: Accounts | None
    user_header: str | None

    @property
    def encrypted(self) -> bool:
        """Whether patient data crosses the network only over TLS (the server's own, or the proxy's)."""
        return self.tls is not None or self.proxy is not None

    @property
    def names_staff(self) -> bool:
        """Whether each request is tied to a person (accounts, or a signing-in proxy)."""
        return self.accounts is not None or self.user_header is not None


def serve_access(args: argparse.Namespace, token: str | None) -> ServeAccess:
    """The checked TLS, proxy, accounts and user-header options."""
    if (args.tls_cert is None) != (args.tls_key is None):
        given = "--tls-cert" if args.tls_cert else "--tls-key"
        raise InputError(f"{given}: give both --tls-cert FILE and --tls-key FILE")
    tls = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None
    if tls is not None:
        _check_tls(*tls)
    proxy = None
    if args.behind_proxy is not None:
        try:
            proxy = str(ipaddress.ip_address(args.behind_proxy))
        except ValueError:
            raise InputError("--behind-proxy: expected the reverse proxy's IP address (e.g. 127.0.0.1)") from None
    if args.user_header is not None and proxy is None:
        raise InputError(f"--user-header {args.user_header}: believed only from a reverse proxy; add --behind-proxy")
    if args.user_header is not None and not args.user_header.replace("-", "").isalnum():
        raise InputError("--user-header: expected a header name such as X-Forwarded-User")
    accounts = None
    if args.users is not None:
        if token is not None:
            raise InputError(
                "--users: staff sign in with their own tokens; unset HANDOUT_WEB_TOKEN or drop --token-file"
            )
        accounts = Accounts(read_accounts(Path(args.users)))
        if not accounts.by_id:
            raise InputError(f"{args.users}: no accounts yet; add one with handout user add NAME --users FILE")
    return ServeAccess(tls, proxy, accounts, args.user_header)


def _check_tls(cert: Path, key: Path) -> None:
    """Load the certificate and key as uvicorn will, so a wrong file is one line here, not a traceback there."""
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise InputError(f"{exc.filename}: file not found") from None
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc.__class__.__name__
        raise InputError(
            f"--tls-cert {cert}, --tls-key {key}: cannot load the certificate and key ({reason})"
        ) from None
