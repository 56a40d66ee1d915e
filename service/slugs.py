"""URL slugs: readable in any script, stable once made."""

from __future__ import annotations

import re
import unicodedata


def slugify(title: str, limit: int = 80) -> str:
    """Lower-case words joined by hyphens; letters of any script are kept (readable URLs in fa/ar)."""
    text = unicodedata.normalize("NFKC", title).lower()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return slug[:limit].strip("-") or "post"
