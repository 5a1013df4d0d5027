"""Version 7, part "documents": report texts the clerk writes, kept with each formal report.

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.

``report_text`` holds the narrative sections of a periodic report (results, difficulties, proposals, …) for
one period. Each save is a new row and no row is changed or removed: the text in force is the latest row
for the period and section, and what a report said when it was sent can always be read back.
"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE report_text (
        id           INTEGER PRIMARY KEY,
        period_start TEXT NOT NULL CHECK (date(period_start) IS period_start),
        period_end   TEXT NOT NULL CHECK (date(period_end) IS period_end AND period_end >= period_start),
        section      TEXT NOT NULL CHECK (length(section) BETWEEN 1 AND 40),
        text         TEXT NOT NULL,
        saved_at     TEXT NOT NULL,
        saved_by     TEXT NOT NULL
    )
    """,
    "CREATE INDEX report_text_period ON report_text (period_start, period_end, section, id)",
    """
    CREATE TRIGGER report_text_kept BEFORE UPDATE ON report_text
    BEGIN SELECT RAISE(ABORT, 'Nội dung báo cáo đã lưu không sửa được; hãy lưu nội dung mới.'); END
    """,
    """
    CREATE TRIGGER report_text_not_deleted BEFORE DELETE ON report_text
    BEGIN SELECT RAISE(ABORT, 'Nội dung báo cáo đã lưu không xóa được; hãy lưu nội dung mới.'); END
    """,
]
