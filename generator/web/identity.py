"""Who is asking: the member of staff behind each API request, or the answer refusing it.

In order:
1. `--user-header NAME` (with `--behind-proxy ADDR` only): a request from the proxy carrying that header is the
   person the proxy signed in; with a users file, the name must have an account there (its role counts).
2. With a users file (`--users FILE`): `Authorization: Bearer TOKEN`, each person's own (generator.web.accounts).
3. Without one: the shared token (`$HANDOUT_WEB_TOKEN` or `--token-file`), or none at all on loopback.

The identity is kept on the request (`request.state.staff`) for the audit log (generator.web.trail).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from generator.web.accounts import NAME, Accounts, Staff
from generator.web.replies import message_reply
from generator.web.transport import same_address

UNKNOWN_TOKEN = "access token missing or wrong"
OPEN = Staff(None, "admin")
"""A request to a server without a token (loopback only), or with the shared token: everyone is everyone."""


@dataclass(frozen=True)
class Access:
    """How the server knows its staff (see the module)."""

    token: str | None = None
    """The shared token, when there is no users file."""
    accounts: Accounts | None = None
    """The users file's accounts."""
    user_header: str | None = None
    """The header a signing-in proxy names the person in."""
    proxy: str | None = None
    """The reverse proxy's address: the only one whose user header is believed."""


class Gate:
    """Checks each API request against the server's Access."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self._header = access.user_header.lower().encode() if access.user_header else None

    def check(self, request: Request) -> Response | None:
        """None when the request may go on (its staff member then in `request.state.staff`), else the refusal."""
        staff = self._signed_in(request)
        if isinstance(staff, Response):
            return staff
        if staff is None:
            staff = self._by_token(request)
        if staff is None:
            return message_reply(UNKNOWN_TOKEN, 401, {"WWW-Authenticate": "Bearer"})
        request.state.staff = staff
        return None

    def check_admin(self, request: Request) -> Response | None:
        """As check, for what only an admin may see."""
        refused = self.check(request)
        if refused is None and request.state.staff.role != "admin":
            return message_reply("only an admin's access token may read this", 403)
        return refused

    def _signed_in(self, request: Request) -> Staff | Response | None:
        """The person a signing-in proxy names, a refusal, or None when the request names nobody that way."""
        access = self.access
        if self._header is None or access.proxy is None or request.client is None:
            return None
        if not same_address(request.client.host, access.proxy):
            return None
        given = [value.decode("latin-1").strip() for key, value in request.scope["headers"] if key == self._header]
        if not given:
            return None
        header = access.user_header
        if len(given) > 1 or not NAME.fullmatch(given[0]):
            return message_reply(f"{header}: expected one staff name", 403)
        if access.accounts is None:
            return Staff(given[0])
        account = access.accounts.names.get(given[0])
        if account is None:
            return message_reply(f"{header}: this person has no account in the server's users file", 403)
        return Staff(account.name, account.role)

    def _by_token(self, request: Request) -> Staff | None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        token = given.strip() if scheme.lower() == "bearer" else ""
        if self.access.accounts is not None:
            return self.access.accounts.check(token) if token else None
        if self.access.token is None:
            return None if self.access.user_header else OPEN
        return OPEN if hmac.compare_digest(token.encode(), self.access.token.encode()) else None
