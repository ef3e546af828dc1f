"""One polite fleet: a rate and a number of requests in flight for the whole site, whatever the
number of workers, and Cloudflare's rate limiting (HTTP 429, "Error 1015") understood.

- ``policy.py``: how the fleet's rate moves (AIMD) and how long a ban pauses it, and the
  in-process bucket that applies it without Redis;
- ``shared.py``: the same bucket in Redis, one Lua script, shared by every worker;
- ``gate.py``: ``SiteGate``, what the download handler waits on before every request to the
  site's hosts, and what tells the bucket of throttling and bans;
- ``middleware.py``: recognises the site's throttling answers and sends a banned request again,
  its attempt not counted.
"""
