"""The request stream: primary key MaYeuCau, cursor NgayCapNhat; a window extracted and landed page by page."""

from __future__ import annotations

from connectors.judicial.client import JudicialClient
from connectors.judicial.schema import records_to_arrow
from connectors.listing import land_listing
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.windows import Window

STREAM = "requests"


def extract_window(client: JudicialClient, run: ExtractRun, window: Window) -> BatchManifest:
    """Extract the requests changed in ``window`` and land them as one batch of ``run``."""
    return land_listing(client, run, STREAM, window, records_to_arrow)
