"""Runtime configuration, read from environment variables (prefix ``KHO_``) and an optional ``.env`` file.

Everything has a working default so that the embedded stack runs with no configuration at all; moving to an
external PostgreSQL or a real Airflow deployment only changes these values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class KhoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KHO_", env_file=".env", extra="ignore", env_ignore_empty=True)

    @field_validator("land_url", "readiness_url", "catalogue_url", mode="before")
    @classmethod
    def _no_api(cls, value: object) -> object:
        """``none`` for a source with a drop folder: no API, the folder only (an empty variable is ignored, so it
        would mean the default)."""
        return None if isinstance(value, str) and value.strip().lower() == "none" else value

    home: Path = Field(
        default=PROJECT_ROOT / ".kho",
        description="Project-local state: embedded PostgreSQL data, landing zone, Airflow home, reports.",
    )
    warehouse_url: str | None = Field(
        default=None,
        description="SQLAlchemy-style URL of an external PostgreSQL (postgresql://user:pw@host:port/db). "
        "Unset = the embedded PostgreSQL under KHO_HOME/pgdata.",
    )
    transform_tasks: str = Field(
        default="per_model", pattern="^(per_model|single)$",
        description="per_model: the transform DAG runs one Cosmos task per dbt node (per-model logs, retries and "
        "timing in the UI); single: one task runs the whole `dbt build` (dbt's own threads), for small "
        "deployments where starting a task process per model costs more than the models (~4 s each on 2 cores).")
    auto_migrate: bool = Field(
        default=True, description="Apply pending migrations when a process finds the warehouse behind (one look at "
        "the ledger per open); off: refuse and say to run `kho migrate` (a production deployment's release step).")
    embedded_mode: str = Field(
        default="start", pattern="^(start|served)$",
        description="start: a process that needs the embedded warehouse starts it and stops it when it is the last "
        "to leave (the CLI, the demo, the tests); served: never start it, use the one `kho warehouse serve` keeps "
        "up (Airflow deployments, where every task is its own process).")
    embedded_port: int | None = Field(
        default=None, ge=1024, le=65535,
        description="Also serve the embedded PostgreSQL on 127.0.0.1:PORT, password logins only (SCRAM). Unset = "
        "unix socket only.")
    landing_url: str | None = Field(
        default=None, description="Landing zone: a local path, or an S3-compatible bucket s3://bucket/prefix (shared "
        "by workers on several hosts). Default KHO_HOME/landing.")
    landing_dir: Path | None = Field(default=None, description="Older name of a local KHO_LANDING_URL.")
    s3_endpoint_url: str | None = Field(
        default=None, description="S3 API endpoint for an s3:// landing zone (MinIO: http://minio:9000); unset = "
        "AWS. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.")
    s3_region: str = Field(default="us-east-1", description="Region of the landing bucket.")

    onestop_url: str = Field(default="http://127.0.0.1:8765", description="Base URL of the one-stop system API.")
    onestop_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    onestop_page_size: int = Field(default=1000, ge=1, le=10000)
    onestop_lag_minutes: int = Field(
        default=60, ge=0, description="Re-read this much before the watermark to catch late-committed rows."
    )
    onestop_initial_watermark: str = Field(
        default="2025-01-01T00:00:00", description="Start of the first window when no state exists yet."
    )
    documents_url: str = Field(default="http://127.0.0.1:8766", description="Base URL of the document axis API.")
    documents_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    documents_page_size: int = Field(default=500, ge=1, le=5000)
    documents_lag_minutes: int = Field(default=60, ge=0, description="Re-read this much before the watermark.")
    documents_initial_watermark: str = Field(default="2025-01-01T00:00:00")
    documents_max_message_mb: float = Field(
        default=16, gt=0, description="edXML messages larger than this are refused (attachments are base64).")
    documents_fetch_workers: int = Field(default=4, ge=1, le=32, description="Messages fetched in parallel.")
    documents_drop_folder: Path | None = Field(
        default=None, description="A folder of .edxml files to import on every documents run (unset = none).")
    civil_status_drop_folder: Path | None = Field(
        default=None, description="Folder communes drop civil-status exports into (.csv/.xlsx); default "
        "KHO_HOME/drop/civil_status.")
    population_url: str = Field(default="http://127.0.0.1:8767", description="Citizen-ID verification service.")
    population_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    population_workers: int = Field(default=8, ge=1, le=32, description="Verification requests in flight.")
    population_timeout_seconds: float = Field(default=2.0, gt=0, description="Per request; the service stalls.")
    population_max_attempts: int = Field(default=3, ge=1, description="Tries per check per run (429/5xx/timeout).")
    population_backoff_seconds: float = Field(default=0.2, ge=0, description="First retry wait; doubles.")
    population_breaker_failures: int = Field(
        default=8, ge=1, description="Consecutive failed requests that open the circuit breaker.")
    population_breaker_reset_seconds: float = Field(
        default=5.0, gt=0, description="How long the breaker stays open before one trial request.")
    population_run_seconds: float = Field(
        default=600, gt=0, description="A verification run stops starting checks after this; the rest stay pending.")
    population_max_checks: int = Field(default=100_000, ge=1, description="Checks attempted per run at most.")
    population_retry_after_minutes: int = Field(
        default=30, ge=0, description="A check that failed in a run waits this long (doubling) before the next try.")
    judicial_url: str = Field(default="http://127.0.0.1:8768", description="Judicial-record system API (the "
                              "Department of Justice's).")
    judicial_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    judicial_page_size: int = Field(default=500, ge=1, le=5000)
    judicial_timeout_seconds: float = Field(default=10.0, gt=0, description="Per request; the link stalls.")
    judicial_max_attempts: int = Field(default=6, ge=1, description="Tries per page (429/5xx/timeout).")
    judicial_backoff_seconds: float = Field(default=0.5, ge=0, description="First retry wait; doubles.")
    judicial_lag_minutes: int = Field(default=60, ge=0, description="Re-read this much before the watermark.")
    judicial_initial_watermark: str = Field(default="2025-07-01T00:00:00")
    land_url: str | None = Field(default="http://127.0.0.1:8769", description="Land-registration system API; "
                                 "`none` = read the drop folder only.")
    land_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    land_page_size: int = Field(default=500, ge=1, le=5000)
    land_timeout_seconds: float = Field(default=10.0, gt=0, description="Per request; the link stalls.")
    land_max_attempts: int = Field(default=6, ge=1, description="Tries per page (429/5xx/timeout).")
    land_backoff_seconds: float = Field(default=0.5, ge=0, description="First retry wait; doubles.")
    land_lag_minutes: int = Field(default=60, ge=0, description="Re-read this much before the watermark.")
    land_initial_watermark: str = Field(default="2025-07-01T00:00:00")
    land_drop_folder: Path | None = Field(
        default=None, description="Folder the land system's monthly CSV exports are dropped into (unset = none).")
    readiness_url: str | None = Field(default="http://127.0.0.1:8770", description="Plan 02 monitoring system API "
                                      "(the communes' readiness returns); `none` = read the drop folder only.")
    readiness_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    readiness_page_size: int = Field(default=500, ge=1, le=5000)
    readiness_timeout_seconds: float = Field(default=10.0, gt=0, description="Per request.")
    readiness_max_attempts: int = Field(default=6, ge=1, description="Tries per page (429/5xx/timeout).")
    readiness_backoff_seconds: float = Field(default=0.5, ge=0, description="First retry wait; doubles.")
    readiness_lag_minutes: int = Field(default=60, ge=0, description="Re-read this much before the watermark.")
    readiness_initial_watermark: str = Field(default="2025-07-01T00:00:00")
    readiness_drop_folder: Path | None = Field(
        default=None, description="Folder communes drop their readiness template files into (.xlsx/.csv); default "
        "KHO_HOME/drop/readiness.")
    feedback_url: str = Field(default="http://127.0.0.1:8771", description="Feedback system API (citizens' "
                              "feedback, PAKN, and dossier satisfaction ratings).")
    feedback_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    feedback_page_size: int = Field(default=500, ge=1, le=5000)
    feedback_timeout_seconds: float = Field(default=10.0, gt=0, description="Per request.")
    feedback_max_attempts: int = Field(default=6, ge=1, description="Tries per page (429/5xx/timeout).")
    feedback_backoff_seconds: float = Field(default=0.5, ge=0, description="First retry wait; doubles.")
    feedback_lag_minutes: int = Field(default=60, ge=0, description="Re-read this much before the watermark.")
    feedback_initial_watermark: str = Field(default="2025-07-01T00:00:00")
    catalogue_url: str | None = Field(default="http://127.0.0.1:8772", description="Procedure catalogue API (the "
                                      "national procedure database as the province sees it); `none` = read the "
                                      "drop folder only.")
    catalogue_token: SecretStr = Field(default=SecretStr("sandbox-token"), description="Bearer token for it.")
    catalogue_page_size: int = Field(default=500, ge=1, le=5000)
    catalogue_timeout_seconds: float = Field(default=10.0, gt=0, description="Per request.")
    catalogue_max_attempts: int = Field(default=6, ge=1, description="Tries per page (429/5xx/timeout).")
    catalogue_backoff_seconds: float = Field(default=0.5, ge=0, description="First retry wait; doubles.")
    catalogue_lag_minutes: int = Field(default=60, ge=0, description="Re-read this much before the watermark.")
    catalogue_initial_watermark: str = Field(
        default="2020-01-01T00:00:00", description="Procedures last changed before the reform are still in force: "
        "the first window starts well before it.")
    catalogue_drop_folder: Path | None = Field(
        default=None, description="Folder the province drops its exports of the national procedure database into "
        "(.json, the API's records); default KHO_HOME/drop/catalogue.")
    dvcqg_scores_drop_folder: Path | None = Field(
        default=None, description="Folder the province drops its exports of the national 766 dashboard into "
        "(.xlsx/.csv); default KHO_HOME/drop/dvcqg_scores.")
    task_retry_delay_seconds: int = Field(
        default=300, ge=0, description="Wait before an extract task's retry (a lost worker, a source down for a "
        "moment); two retries.")
    batch_rows: int = Field(
        default=10_000, ge=100, description="Rows per Arrow batch / Parquet file (~20 KB per dossier in Python)."
    )

    province_code: str = Field(default="38", description="GSO code of the province this warehouse serves.")
    departments_file: Path | None = Field(
        default=None, description="TOML file of department login roles and their units (kept out of the repo).")

    report_lang: str = Field(default="vi", pattern="^(vi|en)$", description="Language of the reports (vi, en).")
    report_pdf: bool = Field(default=True, description="Also render each report as PDF (WeasyPrint).")
    report_max_records: int = Field(
        default=300, ge=0, description="Records to fix listed in a report; the full list goes in its CSV.")
    report_recipients_file: Path | None = Field(
        default=None, description="TOML file of report recipients per unit (kept out of the repo; unset = no mail).")
    smtp_host: str = Field(default="localhost", description="SMTP server for report e-mail.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = Field(default=None, description="SMTP login (unset = no authentication).")
    smtp_password: SecretStr = Field(default=SecretStr(""))
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS before login.")
    smtp_ssl: bool = Field(default=False, description="Connect over implicit TLS (port 465).")
    smtp_timeout_seconds: float = Field(default=30, gt=0)
    mail_from: str = Field(default="Kho <kho@localhost>", description="From: address of report e-mail.")

    pseudonym_key: SecretStr = Field(
        default=SecretStr("kho-dev-only-pseudonym-key"),
        description="Secret for the keyed hash of personal IDs and names, installed in the warehouse's key holder by "
        "the bootstrap. Set a real one outside development; change it only with `kho pseudonyms rotate`.",
    )

    sandbox_seed: int = 20260701
    sandbox_dossiers: int = Field(default=20_000, ge=1)
    sandbox_province: str = Field(default="38", description="GSO code of the simulated province.")
    sandbox_dirty_share: float = Field(default=0.03, ge=0, le=1)
    sandbox_start: str = "2026-01-01"
    sandbox_months: int = Field(default=6, ge=1, le=36)

    @property
    def documents_max_message_bytes(self) -> int:
        return int(self.documents_max_message_mb * 1024 * 1024)

    @property
    def civil_status_folder(self) -> Path:
        return self.civil_status_drop_folder or (self.home / "drop" / "civil_status")

    @property
    def readiness_folder(self) -> Path:
        return self.readiness_drop_folder or (self.home / "drop" / "readiness")

    @property
    def catalogue_folder(self) -> Path:
        return self.catalogue_drop_folder or (self.home / "drop" / "catalogue")

    @property
    def dvcqg_scores_folder(self) -> Path:
        return self.dvcqg_scores_drop_folder or (self.home / "drop" / "dvcqg_scores")

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def landing_uri(self) -> str:
        """The landing zone's location: KHO_LANDING_URL, else the local directory."""
        if self.landing_url:
            return self.landing_url
        return str(self.landing)

    @property
    def landing(self) -> Path:
        """The local landing directory (when the zone is not a bucket)."""
        if self.landing_url and not self.landing_url.startswith("s3://"):
            return Path(self.landing_url)
        return self.landing_dir or (self.home / "landing")

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts and partial-parse state for this home's warehouse: apart from the checkout, which may be
        read-only and serve several homes (dbt parses the whole project again whenever the connection it last
        parsed with differs, ~18 s on 2 cores)."""
        return self.home / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.home / "logs" / "dbt"

    @property
    def gx_docs_dir(self) -> Path:
        return self.home / "gx_docs"


@lru_cache(maxsize=1)
def get_settings() -> KhoSettings:
    return KhoSettings()
