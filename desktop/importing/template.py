"""The blank household list to fill in: the columns the importer recognises, drop-down lists for hamlet,
category and gender, ID and phone columns kept as text (so Excel never eats a leading zero), and a sheet of
instructions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.domain import Category
from desktop.reports.xlsxkit import save_workbook, set_value

TEMPLATE_COLUMNS = [
    ("STT", 6), ("Mã hộ", 10), ("Họ và tên chủ hộ", 28), ("Số CCCD", 16), ("Thôn/Ấp", 16), ("Phân loại hộ", 20),
    ("Ngày xếp loại", 14), ("Dân tộc", 10), ("Giới tính chủ hộ", 10), ("Số nhân khẩu", 10), ("Số điện thoại", 14),
    ("Ghi chú", 24),
]
HEADER_ROW = 3
ROWS = 2000  # rows prepared with formats and drop-down lists

_INSTRUCTIONS = [
    "Cách điền danh sách hộ để nhập vào VốnXoay",
    "",
    "1. Mỗi dòng một hộ, bắt đầu ngay dưới dòng tiêu đề. Không đổi tên các cột; có thể bỏ trống cột không dùng.",
    "2. Bắt buộc: Họ và tên chủ hộ, Thôn/Ấp, Phân loại hộ. Thôn chưa có trong phần mềm sẽ được thêm khi nhập.",
    "3. Mã hộ: để trống thì phần mềm tự cấp (H00001, H00002, …). Nếu ghi, mỗi hộ một mã, không có dấu cách.",
    "4. Số CCCD: đủ 12 chữ số (cột đã định dạng văn bản để giữ số 0 ở đầu).",
    "5. Phân loại hộ: chọn trong danh sách (Hộ nghèo, Hộ cận nghèo, Hộ mới thoát nghèo, Hộ không nghèo).",
    "6. Ngày xếp loại: ngày/tháng/năm phân loại có hiệu lực; để trống là ngày nhập.",
    "7. Dân tộc: ghi tên dân tộc (Kinh, Tày, Mường, …); khác Kinh được tính là hộ dân tộc thiểu số.",
    "8. Nhập lại cùng một tệp không làm thay đổi gì; sửa một dòng rồi nhập lại thì chỉ hộ đó được cập nhật.",
    "9. Luôn chạy thử (kiểm tra) trước: phần mềm liệt kê từng dòng lỗi và lý do, chưa ghi gì vào sổ.",
]


def write_template(path: Path, hamlets: list[str]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách hộ"
    lists = workbook.create_sheet("Danh mục")
    guide = workbook.create_sheet("Hướng dẫn")

    bold = Font(name="Times New Roman", bold=True, size=12)
    thin = Side(style="thin")
    sheet["A1"] = "DANH SÁCH HỘ GIA ĐÌNH THAM GIA DỰ ÁN HỖ TRỢ PHÁT TRIỂN SẢN XUẤT"
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLUMNS))
    sheet["A2"] = "Điền từ dòng 4; xem trang “Hướng dẫn”. Các cột có dấu * là bắt buộc."
    sheet["A2"].font = Font(name="Times New Roman", italic=True)
    for index, (title, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        required = title in ("Họ và tên chủ hộ", "Thôn/Ấp", "Phân loại hộ")
        cell = sheet.cell(row=HEADER_ROW, column=index, value=f"{title} (*)" if required else title)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    # Printed blank, it is also the paper form a hamlet head fills in by hand.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    first, last = HEADER_ROW + 1, HEADER_ROW + ROWS
    for column in ("D", "K", "B"):  # ID number, phone, code: text, so no leading zero is lost
        for row in range(first, last + 1):
            sheet[f"{column}{row}"].number_format = "@"
    for row in range(first, last + 1):
        sheet[f"G{row}"].number_format = "dd/mm/yyyy"

    lists["A1"], lists["B1"], lists["C1"] = "Thôn/Ấp", "Phân loại hộ", "Giới tính"
    for i, name in enumerate(hamlets, start=2):
        set_value(lists[f"A{i}"], name)  # a hamlet's name is the clerk's text: never a formula
    for i, category in enumerate(Category, start=2):
        lists[f"B{i}"] = category.label
    lists["C2"], lists["C3"] = "Nam", "Nữ"
    lists.sheet_state = "hidden"
    checks = [("F", f"'Danh mục'!$B$2:$B${1 + len(Category)}", "Chọn phân loại hộ trong danh sách."),
              ("I", "'Danh mục'!$C$2:$C$3", "Chọn Nam hoặc Nữ.")]
    if hamlets:
        checks.append(("E", f"'Danh mục'!$A$2:$A${1 + len(hamlets)}", None))  # new hamlets are allowed
    for column, source, error in checks:
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True,
                                    showErrorMessage=error is not None, error=error)
        sheet.add_data_validation(validation)
        validation.add(f"{column}{first}:{column}{last}")

    guide.column_dimensions["A"].width = 120
    for i, line in enumerate(_INSTRUCTIONS, start=1):
        guide[f"A{i}"] = line
        guide[f"A{i}"].font = bold if i == 1 else Font(name="Times New Roman", size=12)
    return save_workbook(workbook, Path(path))
