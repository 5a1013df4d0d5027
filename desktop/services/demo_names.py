"""Vietnamese names and places for the demo commune, weighted roughly as they occur."""

FAMILY = [
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Phan", 4), ("Đặng", 3),
    ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Đinh", 1), ("Trịnh", 1),
    ("Đoàn", 1), ("Mạc", 1), ("Lương", 1), ("Tạ", 1),
]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Thanh", "Đình", "Ngọc"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Phương"]
MALE_GIVEN = [
    "Dũng", "Hùng", "Cường", "Tuấn", "Thắng", "Hải", "Long", "Nam", "Quân", "Sơn", "Thành", "Trung", "Việt",
    "Bình", "Đạt", "Hiếu", "Khánh", "Lâm", "Mạnh", "Nghĩa", "Phúc", "Quý", "Tài", "Toàn", "Vinh", "Đông",
    "Thịnh", "Hưng", "Lộc", "Tùng",
]
FEMALE_GIVEN = [
    "Hoa", "Lan", "Hương", "Mai", "Nga", "Thủy", "Hằng", "Linh", "Phượng", "Yến", "Hạnh", "Huyền", "Loan",
    "Nhung", "Oanh", "Thảo", "Trang", "Vân", "Xuân", "Dung", "Hiền", "Liên", "Ngọc", "Tâm",
]
# Ethnic-minority family names (Tày, Thái, Mường, Dao, H'Mông) for the few minority households.
MINORITY_FAMILY = ["Lò", "Hà", "Sầm", "Lường", "Quàng", "Triệu", "Giàng", "Vàng", "Bàn", "Nông"]
HAMLETS = [
    "Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc", "Thôn Thượng", "Thôn Hạ", "Thôn Trung", "Thôn Cầu",
    "Thôn Đồng Bào", "Thôn Phú Lộc", "Thôn An Bình", "Thôn Quý Dương", "Thôn Mậu Tài", "Thôn Lôi Khê",
    "Thôn Hoàng Đường", "Thôn Đức Chính", "Thôn Bình Lãng", "Thôn Nghĩa Phú", "Thôn Tràng Kỹ", "Thôn Cẩm Hoàng",
]
PROJECT_IDEAS = [
    ("Nuôi bò cái sinh sản", "1 con bê cái giống"),
    ("Nuôi lợn nái sinh sản", "2 con lợn nái giống"),
    ("Nuôi gà thả vườn", "200 con gà giống và thức ăn"),
    ("Trồng rau an toàn trong nhà lưới", "nhà lưới và giống rau"),
    ("Nuôi dê sinh sản", "3 con dê cái giống"),
    ("Trồng cam đường canh", "cây giống và phân bón"),
    ("Nuôi cá nước ngọt", "cá giống và thức ăn"),
    ("Trồng nấm rơm", "nguyên liệu và meo giống"),
    ("Nuôi vịt đẻ trứng", "150 con vịt giống"),
    ("Trồng na dai", "cây giống và vật tư"),
]
SIGNERS = {
    "signer_chairman": "Nguyễn Văn Thành",
    "signer_accountant": "Trần Thị Hương",
    "signer_cashier": "Phạm Thị Thu",
    "signer_clerk": "Lê Minh Đức",
}
