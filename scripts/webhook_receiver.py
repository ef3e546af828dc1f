"""A webhook receiver to try saved searches with: it checks each delivery's signature over the raw
body, handles each idempotency key once, and prints the posting.

    python -m scripts.webhook_receiver --port 9000 --secret S3cret
    scrapy searches add p3 'grade=P-3' --webhook http://127.0.0.1:9000/hook --secret S3cret
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def receiver(secret: str) -> Starlette:
    handled: set[str] = set()

    async def hook(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("x-unjobs-signature", ""), expected):
            print("rejected: bad signature", flush=True)
            return Response(status_code=401)
        key = request.headers.get("idempotency-key", "")
        if key not in handled:  # at least once: a key may come again
            handled.add(key)
            delivery = json.loads(body)
            posting = delivery["posting"]
            print(f"{delivery['search']}: {posting['post_number']} {posting['post_name']} ({posting['source_url']})", flush=True)
        return Response(status_code=204)

    return Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    uvicorn.run(receiver(args.secret), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
