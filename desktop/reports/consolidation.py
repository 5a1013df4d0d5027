"""The upper level's consolidated periodic report as figures: a row per commune (that commune's own
``PeriodReport``) and their sum. ``desktop.sync.consolidate`` computes it from the upper store;
``consolidated.py`` prints it; the window shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.reports.period import NUMBER_FIELDS, PeriodReport, ProjectPeriod


@dataclass(frozen=True)
class CommuneLine:
    code: str
    name: str
    seq: int
    as_of: str
    report: PeriodReport


@dataclass(frozen=True)
class MergedLine:
    code: str
    name: str
    into_code: str
    into_name: str
    merged_at: str

    @property
    def note(self) -> str:
        from desktop.dates import format_date

        return (f"đã sáp nhập vào {self.into_name} ({self.into_code}) từ "
                f"{format_date(date.fromisoformat(self.merged_at[:10]))}, số liệu tính trong xã mới")


@dataclass(frozen=True)
class Consolidated:
    start: date
    end: date
    unit_code: str
    unit_name: str
    province_name: str
    communes: tuple[CommuneLine, ...]
    totals: ProjectPeriod
    households_distinct: int
    # Old communes merged into another: shown, never counted (their rows are in the new commune's figures).
    merged: tuple[MergedLine, ...] = ()

    def to_dict(self, *, drill_down: str | None = None) -> dict:
        def numbers(row: ProjectPeriod) -> dict:
            return {key: getattr(row, key) for key in NUMBER_FIELDS}

        data = {
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "unit": {"code": self.unit_code, "name": self.unit_name},
            "communes": [{"commune_code": c.code, "commune_name": c.name, "seq": c.seq, "as_of": c.as_of,
                          "projects": len(c.report.projects), "households_distinct": c.report.households_distinct,
                          **numbers(c.report.totals)} for c in self.communes],
            "merged_communes": [{"commune_code": m.code, "commune_name": m.name, "into_code": m.into_code,
                                 "into_name": m.into_name, "merged_at": m.merged_at, "note": m.note}
                                for m in self.merged],
            "totals": {"communes": len(self.communes), "households_distinct": self.households_distinct,
                       **numbers(self.totals)},
        }
        if drill_down:
            line = next(c for c in self.communes if c.code == drill_down)
            data["commune"] = line.report.to_dict()
        return data
