"""Staff accounts of `handout serve --users FILE`: each person's name, role and a salted hash of their token.

A token is `ID.SECRET`: the ID (public, stored in the file) finds the account without trying every hash, the
SECRET (32 random bytes) is stored only as a scrypt hash (hashlib.scrypt, the standard library's memory-hard
KDF, RFC 7914) with its own random salt. The file is written whole (never half) and readable by its owner only.

```yaml
users:
  - {name: alice, role: desk, token_id: 3f9a1c2b, token_hash: "scrypt$16384$8$1$<salt>$<hash>"}
```
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import InputError
from generator.files import write_atomically
from generator.yamlio import load_mapping

ROLES = ("desk", "admin")
"""desk: make, print and email leaflets; admin: also read GET /metrics."""
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
"""A staff name: a login name or an email-style name, as a sign-in proxy sends it."""
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""scrypt's cost: 16 MiB and about 50 ms a hash (checked once per token and server run; see Accounts.check)."""
_HASH = re.compile(r"scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")
_FIELDS = {"name", "role", "token_id", "token_hash"}


@dataclass(frozen=True)
class Staff:
    """Who made a request."""

    name: str | None
    """The person's name; None for the shared token (or none, on loopback)."""
    role: str = "desk"


@dataclass(frozen=True)
class Account:
    """One line of the users file."""

    name: str
    role: str
    token_id: str
    token_hash: str


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$SALT$HASH` of a token's secret, with a new random salt unless one is given."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(secret.encode(), salt=salt, maxmem=64 * 2**20, dklen=32, **_SCRYPT)
    encoded = "$".join(base64.b64encode(part).decode() for part in (salt, digest))
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${encoded}"


def _matches(secret: str, stored: str) -> bool:
    match = _HASH.fullmatch(stored)
    if match is None:
        return False
    n, r, p = (int(match[index]) for index in (1, 2, 3))
    salt, expected = base64.b64decode(match[4]), base64.b64decode(match[5])
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 2**20, dklen=len(expected))
    return hmac.compare_digest(digest, expected)


class Accounts:
    """The accounts of a users file, checked by token."""

    def __init__(self, accounts: tuple[Account, ...]) -> None:
        self.by_id = {account.token_id: account for account in accounts}
        self.names = {account.name: account for account in accounts}
        self._checked: dict[bytes, Staff] = {}
        """Tokens already checked this run, by a keyed hash (this process's random key): scrypt once per token."""
        self._key = secrets.token_bytes(32)

    def check(self, token: str) -> Staff | None:
        """The staff member whose token this is, else None."""
        seen = hmac.new(self._key, token.encode(), hashlib.sha256).digest()
        if seen in self._checked:
            return self._checked[seen]
        token_id, dot, secret = token.partition(".")
        account = self.by_id.get(token_id) if dot else None
        if account is None or not _matches(secret, account.token_hash):
            return None
        staff = self._checked[seen] = Staff(account.name, account.role)
        return staff


def read_accounts(path: Path) -> tuple[Account, ...]:
    """The accounts of a users file (none when it does not exist yet is an error: `handout user add` makes it)."""
    data = load_mapping(path, InputError)
    if set(data) != {"users"} or not isinstance(data["users"], list):
        raise InputError(f"{path}: expected one key, users: a list of accounts")
    accounts = []
    for index, entry in enumerate(data["users"]):
        where = f"{path}: users[{index}]"
        if not isinstance(entry, dict) or set(entry) != _FIELDS or not all(isinstance(v, str) for v in entry.values()):
            raise InputError(f"{where}: expected name, role, token_id and token_hash, each text")
        if not NAME.fullmatch(entry["name"]):
            raise InputError(f"{where}: name: {_NAME_RULE}")
        if entry["role"] not in ROLES:
            raise InputError(f"{where}: role: expected one of {', '.join(ROLES)}")
        if not _HASH.fullmatch(entry["token_hash"]):
            raise InputError(f"{where}: token_hash: not a hash made by handout user add")
        accounts.append(Account(**entry))
    for field in ("name", "token_id"):
        values = [getattr(account, field) for account in accounts]
        if len(set(values)) != len(values):
            raise InputError(f"{path}: users: a {field} is given twice")
    return tuple(accounts)


_NAME_RULE = "1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"


def add_account(path: Path, name: str, role: str) -> str:
    """Add an account to the users file (made if missing) and return its new token, which is stored nowhere."""
    if not NAME.fullmatch(name):
        raise InputError(f"NAME: {_NAME_RULE}")
    accounts = read_accounts(path) if path.exists() else ()
    if any(account.name == name for account in accounts):
        raise InputError(f"{path}: {name} already has an account; remove it first (handout user remove)")
    token_id, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    while any(account.token_id == token_id for account in accounts):
        token_id = secrets.token_hex(4)
    _write(path, (*accounts, Account(name, role, token_id, hash_secret(secret))))
    return f"{token_id}.{secret}"


def remove_account(path: Path, name: str) -> None:
    """Remove an account from the users file; its token stops working when the server is restarted."""
    accounts = read_accounts(path)
    kept = tuple(account for account in accounts if account.name != name)
    if len(kept) == len(accounts):
        raise InputError(f"{path}: no account named {name}")
    _write(path, kept)


def _write(path: Path, accounts: tuple[Account, ...]) -> None:
    rows = [vars(account) for account in accounts]
    text = yaml.safe_dump({"users": rows}, sort_keys=False, default_flow_style=None, width=200)
    write_atomically(path, text.encode(), mode=0o600)
