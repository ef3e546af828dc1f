"""Run the replica in the foreground: ``python -m tests.replica --port 8000 --postings 300``."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from tests.replica.challenge import MODES
from tests.replica.server import Replica


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.replica", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--postings", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--per-page", type=int, default=25)
    parser.add_argument("--max-pages", type=int, default=40)
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of postings with transient faults")
    parser.add_argument("--gone-rate", type=float, default=0.0, help="share of postings that answer 404/410")
    parser.add_argument("--bad-rate", type=float, default=0.0, help="share of postings with malformed pages")
    parser.add_argument("--stall-seconds", type=float, default=5.0, help="how long a stalled answer hangs")
    parser.add_argument("--challenge", choices=MODES, default="none", help="a Cloudflare-like interstitial")
    parser.add_argument("--clearance-ttl", type=float, default=1800.0, help="seconds a cf_clearance cookie works")
    parser.add_argument("--https", action="store_true", help="serve HTTPS with a self-signed certificate")
    parser.add_argument("--bind-tls", action="store_true", help="bind clearance to the TLS fingerprint too")
    parser.add_argument("--strict", action="store_true", help="fail the challenge for automated browsers")
    parser.add_argument("--rate-limit", type=float, default=None,
                        help="Cloudflare's rate limiting rule: requests/s, all clients together, over --rate-window")
    parser.add_argument("--rate-window", type=float, default=10.0, help="seconds the rate limit counts over")
    parser.add_argument("--ban-seconds", type=float, default=10.0, help="how long a rate limiting ban lasts")
    parser.add_argument("--ban-retry-after", action="store_true", help="send Retry-After with the 1015 page")
    args = parser.parse_args()
    stopped = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with Replica(
        postings=args.postings, seed=args.seed, latency_ms=args.latency_ms, per_page=args.per_page,
        max_pages=args.max_pages, host=args.host, port=args.port, fault_rate=args.fault_rate,
        gone_rate=args.gone_rate, bad_rate=args.bad_rate, stall_seconds=args.stall_seconds,
        challenge=args.challenge, clearance_ttl=args.clearance_ttl, https=args.https,
        bind_tls=args.bind_tls, strict=args.strict, rate_limit=args.rate_limit, rate_window=args.rate_window,
        ban_seconds=args.ban_seconds, ban_retry_after=args.ban_retry_after,
    ) as replica:
        print(f"unjobs replica serving {len(replica.site)} postings at {replica.base_url}", flush=True)
        stopped.wait()


if __name__ == "__main__":
    main()
