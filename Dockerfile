# One image for the crawler workers, the seeder, scrapyd and the API (scrapy dashboard).
FROM python:3.11-slim

# Debian's Chromium: the browser scrapy-playwright drives for Cloudflare challenges.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt scrapyd -c constraints.txt
COPY scrapy.cfg setup.py ./
COPY unjobs_scraper ./unjobs_scraper
COPY deploy/scrapyd.conf /etc/scrapyd/scrapyd.conf

ENV CHROMIUM_PATH=/usr/bin/chromium \
    PYTHONUNBUFFERED=1
RUN useradd --create-home crawler && mkdir -p /var/lib/scrapyd && chown crawler /var/lib/scrapyd
USER crawler

CMD ["scrapy", "crawl", "unjobs"]
