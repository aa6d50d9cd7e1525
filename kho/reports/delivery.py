"""E-mail the rendered reports to each unit's recipients over SMTP (standard library) and log every attempt.

Recipients live in a TOML file outside the repository (``KHO_REPORT_RECIPIENTS_FILE``)::

    [overview]                      # the province overview
    to = ["vanphong@ubnd.thanhhoa.gov.vn"]

    [units."16024"]                 # a unit, by its current code
    to = ["mot-cua@xa-dongson.thanhhoa.gov.vn"]
    cc = ["vanthu@xa-dongson.thanhhoa.gov.vn"]

The same recipients get both reports: the data-quality report and the Plan 02 readiness report (the overview's to
the province office, a commune's to the commune). A report goes out once per kind, unit, period and language: a
rerun skips what ``kho.report_deliveries`` already shows as sent, unless ``resend``. A failed send is logged with
its error and retried by the next run.
"""

from __future__ import annotations

import logging
import mimetypes
import smtplib
import ssl
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse
from kho.reports.i18n import Words
from kho.reports.render import OVERVIEW, RenderedReport, ReportSet

log = logging.getLogger(__name__)


class RecipientsError(ValueError):
    """The recipients file is malformed; the message names the entry."""


@dataclass(frozen=True)
class Recipients:
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()

    @property
    def all(self) -> list[str]:
        return [*self.to, *self.cc]


def _addresses(entry: dict, key: str, where: str) -> tuple[str, ...]:
    values = entry.get(key, [])
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values:
        name, addr = parseaddr(str(v))
        if "@" not in addr or addr.startswith("@") or addr.endswith("@"):
            raise RecipientsError(f"{where}.{key}: {v!r} is not an e-mail address")
        out.append(addr)
    return tuple(out)


def load_recipients(path: Path | None) -> dict[str, Recipients]:
    """Recipients per unit code (``province`` for the overview); empty when no file is configured."""
    if path is None:
        return {}
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RecipientsError(f"recipients file {path}: {e}") from e
    out: dict[str, Recipients] = {}
    entries = [(OVERVIEW, doc["overview"], "overview")] if "overview" in doc else []
    entries += [(str(code), e, f"units.{code}") for code, e in doc.get("units", {}).items()]
    for code, entry, where in entries:
        r = Recipients(_addresses(entry, "to", where), _addresses(entry, "cc", where))
        if not r.to:
            raise RecipientsError(f"{where}: no 'to' address")
        out[code] = r
    return out


def build_message(report: RenderedReport, report_set: ReportSet, recipients: Recipients,
                  settings: KhoSettings) -> EmailMessage:
    t = Words(report_set.lang)
    month = t.month_plain(report_set.period)
    words = "mail" if report_set.kind == "dq" else f"{report_set.kind}_mail"
    msg = EmailMessage()
    msg["Subject"] = t(f"{words}_subject", month=month, unit=report.unit_name, **report.summary)
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(recipients.to)
    if recipients.cc:
        msg["Cc"] = ", ".join(recipients.cc)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=parseaddr(settings.mail_from)[1].partition("@")[2] or "kho.local")
    msg.set_content(t(f"{words}_body", unit=report.unit_name, month=month, **report.summary))
    for path in report.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        if maintype == "text":  # declared UTF-8, so a mail client decodes the Vietnamese right
            msg.add_attachment(path.read_text(encoding="utf-8"), subtype=subtype, charset="utf-8",
                               filename=path.name)
        else:
            msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def _connect(settings: KhoSettings) -> smtplib.SMTP:
    if settings.smtp_ssl:
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    return smtp


def _already_sent(wh: Warehouse, report_set: ReportSet) -> set[str]:
    _, rows = wh.query("select distinct unit_code from kho.report_deliveries where report = %s and period = %s "
                       "and lang = %s and status = 'sent'", (report_set.kind, report_set.period, report_set.lang))
    return {r[0] for r in rows}


def _log(wh: Warehouse, report_set: ReportSet, report: RenderedReport, recipients: Recipients, subject: str,
         error: str | None) -> None:
    with wh.connect() as conn:
        conn.execute(
            "insert into kho.report_deliveries (report, period, unit_code, lang, recipients, subject, report_sha256, "
            "status, error) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (report_set.kind, report_set.period, report.unit_code, report_set.lang, recipients.all, subject,
             report.sha256, "failed" if error else "sent", error))


def deliver(wh: Warehouse, settings: KhoSettings, report_set: ReportSet, resend: bool = False) -> dict[str, int]:
    """Send each report that has recipients; returns counts: sent, failed, skipped (sent before), no_recipients."""
    recipients = load_recipients(settings.report_recipients_file)
    counts = {"sent": 0, "failed": 0, "skipped": 0, "no_recipients": 0}
    done = set() if resend else _already_sent(wh, report_set)
    todo = []
    for report in report_set.all():
        if report.unit_code not in recipients:
            counts["no_recipients"] += 1
        elif report.unit_code in done:
            counts["skipped"] += 1
        else:
            todo.append((report, recipients[report.unit_code]))
    if not todo:
        return counts
    smtp = None
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as e:
        connect_error = f"{type(e).__name__}: {e}"
        log.error("SMTP %s:%s unreachable: %s", settings.smtp_host, settings.smtp_port, connect_error)
    try:
        for report, to in todo:
            msg = build_message(report, report_set, to, settings)
            error = None if smtp else connect_error
            if smtp:
                try:
                    refused = smtp.send_message(msg, to_addrs=to.all)
                    if refused:
                        error = f"refused recipients: {refused}"
                except smtplib.SMTPException as e:
                    error = f"{type(e).__name__}: {e}"
            _log(wh, report_set, report, to, msg["Subject"], error)
            counts["failed" if error else "sent"] += 1
            if error:
                log.warning("report %s (%s) not delivered: %s", report.unit_code, report_set.period, error)
    finally:
        if smtp:
            smtp.quit()
    return counts
