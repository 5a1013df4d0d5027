"""The shipped province list: 34 units now, 63 before the 2025 merger, every old one merged into a current one."""

from desktop.provinces import provinces


def test_current_and_old_lists():
    current, old = provinces(), provinces(before_2025=True)
    assert len(current) == 34 and len(old) == 63
    codes = {p.code for p in current}
    assert len(codes) == 34 and all(len(c) == 2 and c.isdigit() for c in codes)
    assert all(p.merged_into in codes for p in old)
    assert next(p.name for p in current if p.code == "01") == "Thành phố Hà Nội"
    assert next(p.merged_into for p in old if p.name == "Tỉnh Hải Dương") == "31"
