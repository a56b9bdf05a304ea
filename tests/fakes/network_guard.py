"""Refuse every outbound connection that is not loopback or a unix socket.

Why: the Telegram drivers default to ``https://api.telegram.org``; one forgotten ``base_url``
in a test would silently talk to the real Bot API (or hang on a sandbox without internet).
With the guard installed such a mistake fails immediately with :class:`NetworkAccessBlocked`
naming the address, instead of timing out or sending a real message.

What is patched (process-wide, until the returned ``uninstall`` is called):

* ``socket.socket.connect`` / ``connect_ex`` — the choke point every Python-level TCP/UDP
  client goes through, including asyncio's ``sock_connect`` (aiohttp, httpx/anyio) and
  ``socket.create_connection``. Hostnames passed straight to ``connect`` are allowed only if
  they are ``localhost``.
* ``socket.getaddrinfo`` (and so ``socket.create_connection`` and asyncio's resolver) — so a
  non-loopback *name* is refused before any DNS query leaves the machine.

Allowed: 127.0.0.0/8, ::1 (and IPv4-mapped ::ffff:127.x), ``localhost``, AF_UNIX sockets.
Not covered: C extensions that open sockets themselves (e.g. c-ares via ``aiodns``, libpq);
none of the Telegram/HTTP stacks used here do.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "NetworkAccessBlocked",
    "install_network_guard",
    "is_loopback_host",
    "is_network_guard_installed",
    "network_guard",
    "uninstall_network_guard",
]


class NetworkAccessBlocked(ConnectionRefusedError):
    """A test tried to reach a non-loopback address.

    Subclasses ``ConnectionRefusedError`` (an ``OSError``) so HTTP clients report it through
    their normal connection-error path, like a refused connection, and fail fast.
    """


_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

_original: dict[str, Any] = {}


def is_loopback_host(host: object) -> bool:
    """True for loopback IP literals (v4, v6, v4-mapped) and the ``localhost`` names."""
    if host is None:
        # getaddrinfo(None, port) resolves to the local/wildcard address.
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


def is_network_guard_installed() -> bool:
    """Whether the guard is currently active (e.g. installed by ``tests/conftest.py``)."""
    return bool(_original)


def _check_address(sock: socket.socket, address: Any) -> None:
    if getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX:
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback_host(host):
        raise NetworkAccessBlocked(f"network access blocked by tests: connect to {address!r}")


def install_network_guard() -> Callable[[], None]:
    """Patch the socket module so only loopback/unix connections work; return ``uninstall``.

    Idempotent: installing twice keeps the first originals, and ``uninstall`` restores them.
    """
    if _original:
        return _uninstall

    _original["connect"] = socket.socket.connect
    _original["connect_ex"] = socket.socket.connect_ex
    _original["getaddrinfo"] = socket.getaddrinfo
    _original["create_connection"] = socket.create_connection

    orig_connect = _original["connect"]
    orig_connect_ex = _original["connect_ex"]
    orig_getaddrinfo = _original["getaddrinfo"]
    orig_create_connection = _original["create_connection"]

    def connect(self: socket.socket, address: Any) -> None:
        _check_address(self, address)
        orig_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check_address(self, address)
        result: int = orig_connect_ex(self, address)
        return result

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback_host(host):
            raise NetworkAccessBlocked(f"network access blocked by tests: resolve {host!r}")
        return orig_getaddrinfo(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        host = address[0] if isinstance(address, tuple) and address else address
        if not is_loopback_host(host):
            raise NetworkAccessBlocked(f"network access blocked by tests: connect to {address!r}")
        sock: socket.socket = orig_create_connection(address, *args, **kwargs)
        return sock

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    socket.create_connection = create_connection
    return _uninstall


def _uninstall() -> None:
    """Restore the original socket functions (no-op when the guard is not installed)."""
    if not _original:
        return
    socket.socket.connect = _original.pop("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _original.pop("connect_ex")  # type: ignore[method-assign]
    socket.getaddrinfo = _original.pop("getaddrinfo")
    socket.create_connection = _original.pop("create_connection")


def uninstall_network_guard() -> None:
    """Public alias of the function returned by :func:`install_network_guard`."""
    _uninstall()


@contextlib.contextmanager
def network_guard() -> Iterator[None]:
    """``with network_guard(): ...`` — the guard for one block (restores the previous state)."""
    already = bool(_original)
    uninstall = install_network_guard()
    try:
        yield
    finally:
        if not already:
            uninstall()
