"""docker-compose.yml cannot run here (no engine), so its shape is checked instead."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_postgres_16_and_redis_7():
    images = {name: service["image"] for name, service in COMPOSE["services"].items() if "image" in service}
    assert images["postgres"] == "postgres:16"
    assert images["redis"] == "redis:7"


def test_every_service_has_a_health_check_and_restart_policy():
    for name, service in COMPOSE["services"].items():
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name


def test_ports_are_published_on_loopback_only():
    for name, service in COMPOSE["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_secrets_come_from_the_environment_and_are_documented():
    text = (ROOT / "docker-compose.yml").read_text()
    referenced = set(re.findall(r"\$\{(\w+)", text))
    documented = set(re.findall(r"^#?\s*(\w+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert referenced <= documented
    for name, service in COMPOSE["services"].items():
        for variable, value in service.get("environment", {}).items():
            if "PASSWORD" in variable:
                assert str(value).startswith("${"), (name, variable)
