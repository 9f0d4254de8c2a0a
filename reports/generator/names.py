"""Vietnamese-looking names for a generated province: people, places, schools, agencies,
companies, and the texts cadres write in their forms. Every choice takes the caller's
`random.Random`, so a seed always yields the same province."""

import random

# Family names with rough shares (Nguyễn is about four in ten).
FAMILY_NAMES = {
    "Nguyễn": 380, "Trần": 110, "Lê": 95, "Phạm": 70, "Huỳnh": 50, "Hoàng": 50, "Võ": 40, "Phan": 45,
    "Trương": 20, "Bùi": 20, "Đặng": 20, "Đỗ": 15, "Ngô": 15, "Hồ": 15, "Dương": 10, "Đinh": 10, "Lâm": 8,
    "Châu": 5, "Tô": 5, "Lý": 8, "Mai": 6, "Đoàn": 6, "Tạ": 4, "Thái": 4, "Cao": 5, "La": 3, "Kim": 3,
}
MIDDLE_NAMES = {
    "male": ["Văn", "Văn", "Văn", "Minh", "Quốc", "Thanh", "Hữu", "Đức", "Hoàng", "Công", "Tấn", "Trọng", "Gia",
             "Anh", "Thành", "Duy", "Phước", "Chí", "Nhật", "Tuấn"],
    "female": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh", "Bích", "Mỹ", "Hồng", "Phương", "Diễm",
               "Khánh", "Bảo", "Minh", "Hoài", "Thúy", "Tường", "Cẩm", "Yến"],
}
GIVEN_NAMES = {
    "male": ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khang", "Khoa", "Lâm", "Lộc", "Nam",
             "Nghĩa", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Toàn", "Trí", "Vinh", "Huy", "Tùng", "Long", "Phong",
             "Thịnh", "Tín", "Nhân", "Hậu", "Duy", "Kiệt", "Tuấn", "Việt", "Hoàng", "Minh", "Quang", "Thuận"],
    "female": ["Anh", "Ánh", "Châu", "Diễm", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "My", "Nga", "Ngân",
               "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Uyên", "Vy", "Yến", "Hân", "Trâm", "Tiên",
               "Thư", "Nhi", "Ngọc", "Hằng", "Loan", "Thủy", "Duyên", "Trúc", "Mai", "Xuân", "Hồng", "Tuyết"],
}
ETHNICITIES = ["Kinh"] * 17 + ["Khmer", "Hoa", "Chăm", "Tày", "Thái", "Mường", "Ê Đê", ""]
PLACE_WORDS = ["An", "Bình", "Phú", "Long", "Mỹ", "Tân", "Hòa", "Thạnh", "Vĩnh", "Phước", "Hưng", "Thới", "Khánh",
               "Lợi", "Định", "Thuận", "Hiệp", "Đông", "Tây", "Nhơn", "Hội", "Kiến", "Thành", "Trung", "Quới", "Lộc",
               "Điền", "Xuân", "Hải", "Sơn", "Châu", "Giang", "Nghĩa", "Phong", "Thủy", "Hậu", "Cát", "Lạc"]
SCHOOL_PATRONS = ["Nguyễn Du", "Trần Hưng Đạo", "Lê Quý Đôn", "Nguyễn Trãi", "Chu Văn An", "Lý Tự Trọng",
                  "Nguyễn Thị Minh Khai", "Võ Thị Sáu", "Trần Phú", "Phan Bội Châu", "Huỳnh Thúc Kháng",
                  "Lê Hồng Phong", "Nguyễn Khuyến", "Hùng Vương", "Quang Trung", "Ngô Quyền", "Bùi Thị Xuân",
                  "Phan Chu Trinh", "Nguyễn Đình Chiểu", "Thủ Khoa Nghĩa", "Nguyễn Hữu Cảnh", "Võ Văn Kiệt",
                  "Tôn Đức Thắng", "Nguyễn Văn Trỗi", "Lương Thế Vinh", "Hai Bà Trưng", "Lê Lợi", "Đinh Tiên Hoàng"]
PROVINCIAL_AGENCIES = ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Tư pháp", "Sở Xây dựng",
                       "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch",
                       "Sở Khoa học và Công nghệ", "Văn phòng UBND tỉnh", "Thuế tỉnh", "Bảo hiểm xã hội tỉnh",
                       "Kho bạc Nhà nước khu vực", "Ngân hàng Chính sách xã hội tỉnh", "Bệnh viện Đa khoa tỉnh",
                       "Đài Phát thanh và Truyền hình", "Ban Quản lý các Khu công nghiệp", "Thanh tra tỉnh",
                       "Văn phòng Tỉnh ủy", "Ban Dân vận Tỉnh ủy", "Trung tâm Kiểm soát bệnh tật",
                       "Bệnh viện Sản – Nhi", "Viện Kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh"]
DISTRICT_AGENCIES = ["Khối Chính quyền", "Khối Đảng – Đoàn thể", "Bệnh viện Đa khoa", "Trung tâm Y tế",
                     "Công an", "Ban Chỉ huy Quân sự", "Trung tâm Văn hóa – Thể thao", "Chi cục Thuế khu vực"]
COMPANY_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Tổng Công ty"]
COMPANY_TRADES = ["May mặc", "Thủy sản", "Xây dựng", "Điện lực", "Cấp thoát nước", "Dệt may", "Giày da",
                  "Lương thực", "Vận tải", "Xi măng", "Cơ khí", "Thực phẩm", "Dược phẩm", "Bao bì", "Gỗ"]
ARMED_UNITS = ["Phòng Cảnh sát giao thông", "Phòng Cảnh sát cơ động", "Phòng Cảnh sát PCCC và CNCH",
               "Trung đoàn Bộ binh", "Tiểu đoàn Huấn luyện", "Đồn Biên phòng", "Phòng An ninh kinh tế",
               "Trại tạm giam", "Đại đội Trinh sát", "Ban Chỉ huy Quân sự khu vực"]
UNIVERSITY_FACULTIES = ["Kinh tế", "Sư phạm", "Nông nghiệp", "Công nghệ thông tin", "Y Dược", "Luật",
                        "Ngoại ngữ", "Môi trường", "Thủy sản", "Kỹ thuật", "Khoa học xã hội", "Du lịch"]
DEPARTMENTS = ["Văn phòng", "Phòng Tổ chức – Hành chính", "Phòng Kế hoạch – Tài chính", "Phòng Nghiệp vụ",
               "Phòng Tổng hợp", "Phòng Thanh tra", "Khoa Khám bệnh", "Khoa Nội", "Phòng Kỹ thuật"]
JOB_TITLES = {
    "residential": ["Nông dân", "Buôn bán", "Công nhân", "Lao động tự do", "Công chức xã", "Giáo viên",
                    "Nhân viên y tế", "Thợ may", "Kỹ thuật viên"],
    "civil_service": ["Chuyên viên", "Cán bộ văn phòng", "Kế toán", "Bác sĩ", "Điều dưỡng", "Cán sự",
                      "Phó trưởng phòng", "Chuyên viên chính"],
    "school": ["Giáo viên", "Học sinh", "Sinh viên", "Giảng viên", "Nhân viên thư viện"],
    "enterprise": ["Công nhân", "Kỹ sư", "Nhân viên kinh doanh", "Kế toán", "Tổ trưởng sản xuất"],
    "armed_forces": ["Chiến sĩ", "Hạ sĩ quan", "Sĩ quan", "Cán bộ chiến sĩ"],
    "": ["Chuyên viên", "Cán bộ Đoàn chuyên trách"],
}

COMMITMENT_TEXTS = ["Tôi cam kết {title_lower}.", "Thực hiện nghiêm túc: {title_lower}.",
                    "Phấn đấu {title_lower} trong cả năm.", "Cam kết thực hiện đầy đủ nội dung “{title}”."]
MEASURES = ["Lập kế hoạch từng tháng, báo cáo kết quả với Bí thư.", "Ghi sổ theo dõi hằng tuần.",
            "Phối hợp với Ban Chấp hành chi đoàn, nhắc nhở lẫn nhau.", "Đăng ký lịch cụ thể với đơn vị."]
RESULTS = ["Đã thực hiện đầy đủ theo đăng ký.", "Hoàn thành, có minh chứng kèm theo.",
           "Thực hiện được phần lớn nội dung, còn một số buổi chưa tham gia.", "Đạt theo cam kết đầu năm."]
STRENGTHS = ["Nhiệt tình, trách nhiệm với công việc được giao.", "Gương mẫu, sâu sát đoàn viên.",
             "Chủ động đề xuất nhiều hoạt động mới."]
WEAKNESSES = ["Thời gian tham gia hoạt động tình nguyện còn ít.", "Chưa thường xuyên đi cơ sở.",
              "Kỹ năng tổ chức hoạt động còn hạn chế."]
CAUSES = ["Công việc chuyên môn nhiều.", "Chưa sắp xếp thời gian hợp lý."]
REMEDIES = ["Lập lịch cá nhân hằng tuần.", "Học hỏi kinh nghiệm từ các đồng chí đi trước."]
RETURN_COMMENTS = ["Đồng chí ghi rõ cách thực hiện.", "Chỉ tiêu chưa sát thực tế, đề nghị điều chỉnh.",
                   "Bổ sung minh chứng cho kết quả."]
CHANGE_REASONS = ["Bổ sung hoạt động chưa ghi vào sổ.", "Một buổi ghi trùng, đã trừ ra."]
VOLUNTEER_TASKS = ["Ngày Chủ nhật xanh", "Thứ Bảy tình nguyện", "Dọn vệ sinh tuyến đường", "Hiến máu tình nguyện",
                   "Trồng cây xanh", "Thăm gia đình chính sách", "Tiếp sức mùa thi", "Sửa chữa nhà nhân ái"]
INITIATIVES = ["Sổ tay đoàn viên điện tử", "Mô hình “Tuyến đường thanh niên tự quản”",
               "Câu lạc bộ “Bí thư chi đoàn giỏi”", "Tủ sách thanh niên ấp", "Zalo nhóm đoàn viên theo khu vực",
               "Ngày hội việc làm cho thanh niên", "Mô hình “Thắp sáng đường quê”", "Chợ phiên 0 đồng"]

# Mobile network prefixes after the 0 that phonenumbers takes with any 7 digits after them
# (Viettel 03x, 086, 096–098; VinaPhone 081–085, 088, 091, 094; MobiFone 070, 076–079, 090,
# 093; Vietnamobile 056, 058, 092; Gmobile 059). 089 and 099 are valid only in part.
MOBILE_PREFIXES = ["32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "59", "70", "76", "77", "78", "79",
                   "81", "82", "83", "84", "85", "86", "88", "90", "91", "92", "93", "94", "96", "97", "98"]


def mobile_phone(rng: random.Random) -> str:
    """A Vietnamese mobile number in E.164, as cadres' phones are stored: "+84912345678"."""
    return f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10 ** 7):07d}"


def person_name(rng: random.Random) -> tuple[str, str]:
    """(full name, gender); one in five people carries two middle names."""
    gender = rng.choice(["male", "female"])
    family = rng.choices(list(FAMILY_NAMES), weights=list(FAMILY_NAMES.values()))[0]
    middle = [rng.choice(MIDDLE_NAMES[gender])]
    if rng.random() < 0.2:
        middle.append(rng.choice(MIDDLE_NAMES[gender]))
    given = rng.choice(GIVEN_NAMES[gender])
    while given in middle:
        given = rng.choice(GIVEN_NAMES[gender])
    return " ".join([family, *dict.fromkeys(middle), given]), gender


class PlaceNames:
    """Two-word place names ("Phú Tân"), none repeated within one namespace (a parent
    unit), so siblings never share a name."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def take(self, namespace: str) -> str:
        used = self.used.setdefault(namespace, set())
        for _attempt in range(50):
            first, second = self.rng.sample(PLACE_WORDS, 2)
            name = f"{first} {second}"
            if name not in used:
                used.add(name)
                return name
        name = f"{self.rng.choice(PLACE_WORDS)} {len(used) + 1}"
        used.add(name)
        return name
