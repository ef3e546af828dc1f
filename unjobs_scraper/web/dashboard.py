"""The monitoring dashboard's pages (``dashboard/templates``) and its one action, requeueing dead
letters: a POST that must carry the form token (``security.py``)."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from unjobs_scraper.dashboard import views
from unjobs_scraper.dashboard.render import STATIC, render
from unjobs_scraper.storage.columns import JOB_AD_FIELDS
from unjobs_scraper.web.security import same

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 64 * 1024
HTML = "text/html; charset=utf-8"


def local_redirect(target: str, **params: object) -> str:
    """``target`` if it is a path on this server (never another site), with ``params`` added."""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))  # "/\\x" is "//x" to a browser
    parts = urlsplit(target if local else "/")
    query = [(key, value) for key, value in parse_qsl(parts.query) if key not in params]
    return urlunsplit(("", "", parts.path, urlencode(query + [(k, str(v)) for k, v in params.items()]), ""))


def page(request: Request, status: int, template: str, **context) -> Response:
    access = request.app.state.access
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = render(template, form_token=access.form_token if access.loopback else None, path=path, **context)
    return Response(body, status_code=status, media_type=HTML)


def message(request: Request, status: int, text: str) -> Response:
    return page(request, status, "message.html", message=text)


@router.get("/")
def overview(request: Request) -> Response:
    state = request.app.state
    context = state.database.run(views.overview, state.limits)
    return page(request, 200, "overview.html", requeued=request.query_params.get("requeued"), **context)


@router.get("/postings")
def postings(request: Request) -> Response:
    state = request.app.state
    query = parse_qs(request.url.query)
    return page(request, 200, "postings.html", **state.database.run(views.postings, query, state.limits))


@router.get("/postings/{number}")
def posting(request: Request, number: str) -> Response:
    run = request.app.state.database.run
    found = run(lambda storage: storage.postings.get(number)) if number.isdigit() else None
    if found is None:
        return message(request, 404, "No such page.")
    job_ad = run(lambda storage: storage.job_ads.get(number))
    return page(request, 200, "posting.html", posting=found, job_ad=job_ad, job_ad_fields=JOB_AD_FIELDS)


@router.get("/static/dashboard.css")
def stylesheet() -> Response:
    return Response((STATIC / "dashboard.css").read_bytes(), media_type="text/css; charset=utf-8")


@router.post("/requeue")
async def requeue(request: Request) -> Response:
    state = request.app.state
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return message(request, 413, "Form too large.")
    form = parse_qs((await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace"))
    if not same(form.get("token", [""])[0], state.access.form_token):
        return message(request, 403, "Wrong or missing token.")
    if state.read_only:
        return message(request, 403, "This dashboard is read-only.")
    requeued = await run_in_threadpool(state.database.run, views.requeue, form.get("post_number", []))
    return RedirectResponse(local_redirect(form.get("next", ["/"])[0], requeued=len(requeued)), status_code=303)
