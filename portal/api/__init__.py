"""The versioned JSON API (FastAPI) served under /api/v1 beside the Reflex app."""

from portal.api.app import api, create_api

__all__ = ["api", "create_api"]
