"""Deployment files. No Docker engine runs here, so docker-compose.yml is checked by shape."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_runs_the_whole_production_set():
    assert set(SERVICES) == {"postgres", "redis", "scrapyd", "worker", "seeder", "api"}
    assert SERVICES["postgres"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"


def test_every_service_has_a_health_check_and_restart_policy():
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name


def test_ports_are_published_on_loopback_only():
    published = [
        (name, port) for name, service in SERVICES.items() for port in service.get("ports", [])
    ]
    assert published
    assert [entry for entry in published if not entry[1].startswith("127.0.0.1:")] == []


def test_workers_scale_and_wait_for_the_seeder():
    worker, seeder = SERVICES["worker"], SERVICES["seeder"]
    assert (
        "container_name" not in worker and "ports" not in worker
    )  # --scale worker=N needs both absent
    assert worker["command"][:3] == ["scrapy", "crawl", "unjobs"]
    assert "WORKER_IDLE_TIMEOUT=inf" in worker["command"]
    assert seeder["command"][:3] == ["scrapy", "seed", "--every"]
    for service in (worker, seeder, SERVICES["scrapyd"]):
        assert set(service["depends_on"]) == {"postgres", "redis"}
        assert service["environment"]["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD")
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_api_reads_through_a_read_only_role_with_a_token():
    api = SERVICES["api"]
    assert api["command"][:2] == ["scrapy", "dashboard"] and "--read-only" in api["command"]
    assert api["environment"]["DATABASE_URL"].startswith("postgresql://unjobs_reader:${READER_PASSWORD")
    assert api["environment"]["API_TOKEN"].startswith("${API_TOKEN")
    init = SERVICES["postgres"]["volumes"][1].split(":")
    assert init[1] == "/docker-entrypoint-initdb.d/reader.sh"
    script = (ROOT / init[0]).read_text()
    assert "GRANT SELECT ON ALL TABLES" in script and "ALTER DEFAULT PRIVILEGES" in script
    assert not re.search(r"GRANT (INSERT|UPDATE|DELETE|ALL)", script)


def test_secrets_come_from_the_environment_and_are_documented():
    text = (ROOT / "docker-compose.yml").read_text()
    referenced = set(re.findall(r"\$\{(\w+)", text))
    documented = set(re.findall(r"^#?\s*(\w+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert referenced <= documented
    for name, service in SERVICES.items():
        for variable, value in service.get("environment", {}).items():
            if "PASSWORD" in variable:
                assert str(value).startswith("${"), (name, variable)


def test_the_image_installs_chromium_and_points_the_crawler_at_it():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"apt-get install .*chromium", dockerfile)
    assert "CHROMIUM_PATH=/usr/bin/chromium" in dockerfile
    assert "USER crawler" in dockerfile


def test_scrapy_cfg_has_a_deploy_target_for_scrapyd_deploy():
    config = configparser.ConfigParser()
    config.read(ROOT / "scrapy.cfg")
    assert config["settings"]["default"] == "unjobs_scraper.settings"
    assert config["deploy"]["project"] == "unjobs_scraper"
    assert config["deploy"]["url"].startswith("http://127.0.0.1:6800")
