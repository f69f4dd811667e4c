"""Moved: the route table is the pipeline's (``webhook_receiver._pipeline.RouteTable``)."""

from __future__ import annotations

from .._pipeline import RouteTable, canonical_path

__all__ = ["RouteTable", "canonical_path"]
