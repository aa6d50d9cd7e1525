"""The national Decision 766 dashboard's published scores, as the province exports them: CSV/Excel files in a drop
folder, or one file handed to ``kho import dvcqg-scores``."""

from __future__ import annotations

from pathlib import Path

from connectors.dvcqg_scores.schema import COLUMNS
from connectors.dvcqg_scores.streams import STREAM, import_scores
from connectors.dvcqg_scores.suite import suite
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream


def extract(run: ExtractRun) -> list[BatchManifest]:
    folder = Path(run.folder or run.settings.dvcqg_scores_folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [import_scores(run, folder)]


def import_path(run: ExtractRun, path: Path) -> list[BatchManifest]:
    return [import_scores(run, path)]


SOURCE = Source(
    name="dvcqg_scores",
    description="the Decision 766 scores the national dashboard publishes (the province's CSV/Excel exports)",
    streams=(Stream(STREAM, COLUMNS, suite, json_columns=("_extra",),
                    primary_key=("ma_don_vi", "loai_ky", "nam", "ky")),),
    extract=extract,
    import_path=import_path,
    schedule="@daily",
    backfill=False,
    doc="Every export not read before (by content hash) lands with its file and row; a file without the header's "
        "field codes (MA_DON_VI, TONG_SCORE) is refused whole. Drop folder: `KHO_DVCQG_SCORES_DROP_FOLDER` "
        "(default KHO_HOME/drop/dvcqg_scores). A later export's row replaces an earlier one's for the same unit "
        "and period.",
    tags=("766",),
)
