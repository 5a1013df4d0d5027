"""The cross-commune duplicate check: one person (ID number) supported in more than one commune ("communes"),
or in more than one project of the same programme ("projects") — the "no duplicate support" rule. The first is
something no commune can see alone; the second is listed too, so the upper level sees every case in one place."""

from __future__ import annotations

from desktop.books import Books
from desktop.sync import merged
from desktop.sync.upper import require_upper
from desktop.upper_store import upper_store

_SUPPORTED = f"""
    WITH supported AS (
        SELECT DISTINCT h.id_number, c.code AS commune_code, c.name AS commune_name, h.code AS household,
               h.head_name, p.code AS project, p.name AS project_name, coalesce(p.programme_code, '') AS programme
        FROM upper_membership m
        JOIN upper_household h ON h.commune_id = m.commune_id AND h.id = m.household_id
        JOIN upper_project p ON p.commune_id = m.commune_id AND p.id = m.project_id
        JOIN upper_commune c ON c.id = m.commune_id
        WHERE h.id_number IS NOT NULL AND {merged.COUNTED}
    )
    SELECT * FROM supported WHERE id_number IN (
        SELECT id_number FROM supported GROUP BY id_number HAVING count(DISTINCT commune_code) > 1
        UNION
        SELECT id_number FROM supported GROUP BY id_number, commune_code, programme
        HAVING count(DISTINCT project) > 1
    )
    ORDER BY id_number, commune_code, project
"""  # an old commune's last snapshot is in its new commune's rows: never twice


def find_duplicates(books: Books) -> list[dict]:
    """One entry per ID number: where it was supported and why that is a duplicate."""
    require_upper(books)
    grouped: dict[str, list[dict]] = {}
    for row in upper_store(books).execute(_SUPPORTED):
        grouped.setdefault(row["id_number"], []).append(dict(row))
    duplicates = []
    for id_number, supports in grouped.items():
        communes = sorted({s["commune_code"] for s in supports})
        projects_by: dict[tuple[str, str], set[str]] = {}
        for s in supports:
            projects_by.setdefault((s["commune_code"], s["programme"]), set()).add(s["project"])
        repeated = sorted({programme for (_, programme), projects in projects_by.items() if len(projects) > 1})
        kinds = (["communes"] if len(communes) > 1 else []) + (["projects"] if repeated else [])
        duplicates.append({
            "id_number": id_number, "kinds": kinds, "communes": communes, "programmes": repeated,
            "supports": [{k: v for k, v in s.items() if k != "id_number"} for s in supports],
        })
    return duplicates


def describe(duplicate: dict) -> str:
    """One Vietnamese line for the clerk."""
    places = "; ".join(f"{s['commune_name']} — hộ {s['household']} {s['head_name']}, dự án {s['project']}"
                       f" ({s['programme'] or 'không rõ chương trình'})" for s in duplicate["supports"])
    why = []
    if "communes" in duplicate["kinds"]:
        why.append(f"được hỗ trợ ở {len(duplicate['communes'])} xã")
    if "projects" in duplicate["kinds"]:
        why.append(f"hỗ trợ trùng trong chương trình {', '.join(duplicate['programmes'])}")
    return f"Số định danh {duplicate['id_number']}: {' và '.join(why)}: {places}."
