"""The one HTTP process of ``scrapy dashboard``: the monitoring dashboard, the read-only query API
under ``/api/v1/`` and the Atom feeds under ``/feeds/``, on FastAPI (Starlette) under uvicorn.

``app.py`` builds the application and its security (``security.py``); ``dashboard.py``, ``api.py``
and ``feeds.py`` are its three parts; ``server.py`` runs it.
"""
