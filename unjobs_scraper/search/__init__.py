"""Finding postings: what a search asks for (``query``), full text on SQLite (``fulltext``), and the
webhooks of saved searches (``notify``). The SQL lives with the other statements, in
``storage/search.py`` and ``storage/saved_searches.py``; the HTTP side in ``unjobs_scraper.web``."""
