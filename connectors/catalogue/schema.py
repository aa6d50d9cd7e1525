"""Schema contract of a procedure record as landed: the fields of the DVCQG catalogue endpoint (``POST
/api/v1/reporting/formalities``: ``id, code, name, state, departmentId, publishingDepartmentIds,
appliedDepartmentIds``, domain.md §2.1) and what Decision 766 groups 1 and 3 read besides, all kept as received.

Scalars (text): ``id``, the national base code ``code`` (D.NNNNNN), ``name``, ``state`` (PUBLISHED, REVOKED), the
managing ministry ``departmentId``, ``fieldCode``/``fieldName``, ``onlineServiceLevel`` (FULL, PARTIAL, NONE: Decree
42/2022's two online levels, or none), ``paymentIntegrated`` (true/false), ``feeVnd``, ``processingDays`` (working
days), ``updatedAt`` (yyyyMMddHHmmss, the cursor).

Lists and objects (JSON text as received): ``publishingDepartmentIds`` (the provinces or ministries publishing it),
``appliedDepartmentIds`` (the unit codes that apply it: communes, wards, departments), ``components`` (the seven
components of Decree 63/2010 Art. 8(2): name, steps, method, dossierComposition, timeLimit, applicant, agency; an
empty or missing one is not stated), ``decisions`` (its publishing decisions: ``number, kind`` NEW/AMENDED/REVOKED,
``decisionDate``, ``legalBasis``, ``legalBasisEffectiveDate``, ``publicDate``: made public on the portal, null while
not yet). Fields outside the contract go to ``_extra``.
"""

from __future__ import annotations

from connectors.listing import FlatContract

SCALARS = ("id", "code", "name", "state", "departmentId", "fieldCode", "fieldName", "onlineServiceLevel",
           "paymentIntegrated", "feeVnd", "processingDays", "updatedAt")
NESTED = ("publishingDepartmentIds", "appliedDepartmentIds", "components", "decisions")
PROCEDURES = FlatContract(SCALARS, NESTED)
CURSOR = "updatedAt"
KEY = "code"
