"""Client of the citizen-ID verification service (national population database): one person per request."""

from __future__ import annotations

from datetime import date

from connectors.http import BearerClient, check_auth

ANSWERS = {"KHOP": "match", "KHONG_KHOP": "mismatch", "KHONG_TIM_THAY": "not_found"}
PATH = "/api/v1/cong-dan/xac-thuc"


class PopulationProtocolError(RuntimeError):
    """The service answered 200 with something that is not a verification result."""


class PopulationClient(BearerClient):
    system = "population"

    def verify(self, citizen_id: str, name: str, birth_date: date) -> str:
        """``match``, ``mismatch`` or ``not_found``; raises ``httpx.HTTPStatusError`` / ``httpx.TransportError``."""
        resp = self._send("POST", PATH, json={"soDinhDanh": citizen_id, "hoTen": name,
                                           "ngaySinh": birth_date.strftime("%d/%m/%Y")})
        check_auth(resp, "population service")
        resp.raise_for_status()
        answer = resp.json().get("ketQua")
        if answer not in ANSWERS:
            raise PopulationProtocolError(f"unexpected ketQua {answer!r} for one request")
        return ANSWERS[answer]
