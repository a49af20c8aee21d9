"""Health and metrics: `GET /healthz` for a monitor or load balancer, `GET /metrics` in Prometheus' text format.

/healthz needs no token: 200 with the library's content version and the build workers alive, 503 when none is.
/metrics (prometheus-client) needs an admin's token, or the shared token without a users file, or a request
from loopback: the counts say how busy the clinic is, not who came.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from generator.content.library import Library


class Metrics:
    """The server's counters, in a registry of its own (one per application)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.made = Counter("handout_leaflets_made", "Leaflets made and verified", registry=self.registry)
        self.refused = Counter(
            "handout_requests_refused", "Leaflet requests refused, by reason class", ["reason"], registry=self.registry
        )
        self.verification_failures = Counter(
            "handout_verification_failures", "Leaflets the verifier refused", registry=self.registry
        )
        self.worker_restarts = Counter(
            "handout_worker_restarts", "Build workers that died and were replaced", registry=self.registry
        )
        self.build_seconds = Histogram(
            "handout_build_seconds",
            "Time from accepting a build to its answer (waiting included)",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.queue = Gauge("handout_queue_length", "Builds accepted and waiting for a worker", registry=self.registry)
        self.workers = Gauge("handout_workers_alive", "Build workers alive", registry=self.registry)

    def watch(self, waiting: Callable[[], int], alive: Callable[[], int]) -> None:
        """Read the queue length and the workers alive when scraped."""
        self.queue.set_function(waiting)
        self.workers.set_function(alive)


def _from_loopback(request: Request) -> bool:
    """Sent from this computer, not forwarded by a reverse proxy on it (which always says X-Forwarded-For)."""
    if request.client is None or "x-forwarded-for" in request.headers or "x-forwarded-proto" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


def monitoring_router(
    library: Library, metrics: Metrics, alive: Callable[[], int], is_admin: Callable[[Request], Response | None]
) -> APIRouter:
    """The /healthz and /metrics routes; `is_admin` answers a request that may not read /metrics."""
    router = APIRouter()
    versions = sorted({library.topic(name).content_version for name in library.topic_names()})
    version = ", ".join(versions)

    @router.get("/healthz", summary="Whether the server can make leaflets (no token needed)")
    def healthz() -> JSONResponse:
        workers = alive()
        body = {"status": "ok" if workers else "no build worker alive", "content_version": version, "workers": workers}
        return JSONResponse(body, status_code=200 if workers else 503, headers={"Cache-Control": "no-store"})

    @router.get("/metrics", summary="Prometheus metrics (an admin's token, or from loopback)")
    def prometheus(request: Request) -> Response:
        refused = None if _from_loopback(request) else is_admin(request)
        if refused:
            return refused
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
