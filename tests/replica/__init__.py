"""A deterministic, configurable local replica of unjobs.org for crawler tests."""

from tests.replica.server import Replica
from tests.replica.site import PostingSpec, Site

__all__ = ["PostingSpec", "Replica", "Site"]
