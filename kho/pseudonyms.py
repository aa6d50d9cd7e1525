"""Keyed pseudonyms of personal data in Python: the same HMAC-SHA256 the dbt macro ``pseudonymize`` computes, so a
value hashed here joins a value hashed in the warehouse. The key comes from ``KHO_PSEUDONYM_KEY``."""

from __future__ import annotations

import hashlib
import hmac

from kho.settings import KhoSettings


def pseudonymize(value: str, settings: KhoSettings) -> str:
    return hmac.new(settings.pseudonym_key.get_secret_value().encode(), value.encode(), hashlib.sha256).hexdigest()


def name_key(name: str) -> str:
    """A person's name as a matching key: trimmed, inner whitespace collapsed (as the dbt macro person_name_key)."""
    return " ".join(name.split())
