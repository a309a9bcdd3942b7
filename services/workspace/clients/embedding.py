"""The events service's organizer settings: which websites may embed the sign-up forms."""
from __future__ import annotations

from .base import ServiceClient


class EmbeddingClient(ServiceClient):
    service = "events"

    def embed_origins(self) -> list[str]:
        return self.get("/api/v1/organizers/me/settings")["embed_origins"]

    def set_embed_origins(self, origins: list[str]) -> list[str]:
        """The origins as events stored them (normalized); ApiError 422 names the bad ones by index,
        403 owner_required for an editor."""
        return self.patch("/api/v1/organizers/me/settings", json={"embed_origins": origins})["embed_origins"]
