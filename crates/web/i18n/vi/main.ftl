# Sen CRM — Vietnamese catalog. Every key in en must exist here too.

## Languages, currencies, roles
language-vi = Tiếng Việt
language-zh-TW = 繁體中文
language-en = English
currency-VND = Đồng Việt Nam (VND)
currency-TWD = Đô la Đài Loan mới (TWD)
currency-USD = Đô la Mỹ (USD)
role-admin = Quản trị viên
role-manager = Quản lý kinh doanh
role-team-leader = Trưởng nhóm
role-salesperson = Nhân viên kinh doanh

## Navigation and common actions
nav-label = Điều hướng chính
nav-menu = Menu
nav-contacts = Liên hệ
nav-users = Người dùng
nav-profile = Hồ sơ của tôi
action-apply = Áp dụng
action-archive = Lưu trữ
action-restore = Khôi phục
action-delete = Xóa
action-cancel = Hủy
action-create = Tạo liên hệ
action-save = Lưu
action-search = Tìm kiếm
action-sign-out = Đăng xuất
action-go-home = Về trang chủ
action-revoke = Thu hồi

## Common fields
field-name = Tên
field-email = Email
field-password = Mật khẩu
field-language = Ngôn ngữ
field-time-zone = Múi giờ
field-role = Vai trò
field-active = Đang hoạt động
hint-password = Tối thiểu 8 ký tự.

## Validation messages
error-required = Trường này là bắt buộc.
error-too-long = Tối đa { $max } ký tự.
error-too-short = Tối thiểu { $min } ký tự.
error-email = Nhập địa chỉ email hợp lệ, VD: ten@example.com.
error-phone = Nhập số điện thoại, VD: +84 912 345 678.
error-website = Nhập địa chỉ trang web, VD: example.com.
error-choice = Chọn một trong các giá trị: { $allowed }.
error-not-found = Không tìm thấy dữ liệu này.
error-taken = Giá trị này đã có người khác sử dụng.
error-type = Giá trị không đúng định dạng, cần: { $expected }.
error-unknown-field = Không nhận diện được trường này.
error-range = Phải nằm trong khoảng từ { $min } đến { $max }.

## Error pages
error-page-not-found = Không tìm thấy trang
error-page-not-found-detail = Trang hoặc dữ liệu bạn đang tìm không tồn tại, hoặc bạn không có quyền xem.
error-page-forbidden = Không có quyền truy cập
error-page-forbidden-detail = Vai trò của bạn không được phép thực hiện thao tác này.
error-page-bad-request = Yêu cầu không hợp lệ
error-page-bad-request-detail = Không thể xử lý yêu cầu này. Vui lòng quay lại và thử lại.
error-page-internal = Đã xảy ra lỗi
error-page-internal-detail = Máy chủ đang gặp sự cố. Vui lòng thử lại sau ít phút.

## First run
setup-title = Tạo không gian làm việc
setup-lead = Chỉ cần vài thông tin là bạn có thể bắt đầu. Bạn sẽ là quản trị viên đầu tiên.
setup-workspace-name = Tên công ty hoặc không gian làm việc
setup-currency = Tiền tệ
setup-admin-name = Tên của bạn
setup-submit = Tạo không gian làm việc

## Sign-in
login-title = Đăng nhập
login-submit = Đăng nhập
login-failed = Email hoặc mật khẩu không đúng.
login-too-many = Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau { $minutes } phút.

## Contacts list
contacts-title = Liên hệ
contacts-new = Thêm liên hệ
contacts-search = Tìm liên hệ
contacts-search-placeholder = Tìm theo tên, email, số điện thoại…
contacts-sort = Sắp xếp theo
contacts-sort-name = Tên
contacts-sort-newest = Mới nhất
contacts-sort-updated = Mới cập nhật
contacts-sort-city = Tỉnh / Thành phố
contacts-filters = Bộ lọc
contacts-chip-all = Tất cả
contacts-chip-companies = Công ty
contacts-chip-people = Cá nhân
contacts-chip-mine = Của tôi
contacts-chip-archived = Đã lưu trữ
contacts-count = { $count ->
    [one] { $count } liên hệ
   *[other] { $count } liên hệ
}
contacts-empty = Không có liên hệ nào phù hợp. Hãy thử từ khóa khác hoặc thêm liên hệ mới.
contacts-load-more = Xem thêm
contacts-bad-search = Không hiểu được nội dung tìm kiếm này.
contacts-company-badge = Công ty
contacts-archived-badge = Đã lưu trữ

## Contact form
contacts-no-company = — Không thuộc công ty nào —
contacts-no-owner = — Chưa có người phụ trách —
contacts-read-only = Bạn chỉ có thể xem liên hệ này, không thể chỉnh sửa.
contacts-people-title = Người liên hệ tại công ty
contacts-delete-confirm = Xóa vĩnh viễn “{ $name }”? Thao tác này không thể hoàn tác.
contacts-duplicates-title = Liên hệ này có thể bị trùng với:
contacts-duplicate-email = trùng email
contacts-duplicate-phone = trùng số điện thoại
contacts-duplicate-name = trùng tên
contacts-notice-created = Đã tạo liên hệ.
contacts-notice-saved = Đã lưu thay đổi.
contacts-notice-archived = Đã lưu trữ liên hệ. Liên hệ sẽ được ẩn khỏi danh sách; bạn có thể khôi phục bất cứ lúc nào.
contacts-notice-restored = Đã khôi phục liên hệ.
contacts-conflict = Trong lúc bạn đang sửa, người khác đã thay đổi liên hệ này. Thay đổi của bạn chưa được lưu.
contacts-conflict-title = Những gì đã thay đổi
contacts-conflict-field = Trường
contacts-conflict-theirs = Bản đang lưu
contacts-conflict-yours = Bản của bạn
contacts-conflict-help = Bản của bạn vẫn nằm trong biểu mẫu bên dưới. Bấm lưu để ghi đè lên bản mới hơn, hoặc bỏ thay đổi của bạn.
contacts-conflict-save-mine = Lưu bản của tôi
contacts-conflict-discard = Bỏ thay đổi của tôi
contact-section-identity = Thông tin cơ bản
contact-section-reach = Thông tin liên lạc
contact-section-address = Địa chỉ
contact-section-more = Thông tin khác
contact-name = Tên
contact-is-company = Đây là công ty
contact-company-id = Công ty
contact-salutation = Danh xưng
contact-salutation-hint = VD: Anh, Chị, Ông, Bà
contact-job-position = Chức vụ
contact-email = Email
contact-phone = Điện thoại
contact-mobile = Di động
contact-website = Trang web
contact-street = Số nhà, đường
contact-ward = Phường / Xã
contact-district = Quận / Huyện
contact-district-hint = Không bắt buộc: sau đợt sắp xếp năm 2025, nhiều tỉnh, thành phố không còn cấp này.
contact-city = Tỉnh / Thành phố
contact-country = Quốc gia
contact-owner-id = Người phụ trách
contact-tag-ids = Nhãn
contact-notes = Ghi chú
contact-new-tags = Thêm nhãn
contact-new-tags-hint = Nhãn mới, cách nhau bằng dấu phẩy.
value-yes = Có
value-no = Không
contact-archived-at = Ngày lưu trữ
contact-deleted = Đã xóa
history-title = Lịch sử
history-created = Đã tạo

## Users
users-title = Người dùng
users-add = Thêm người dùng
users-new-password = Mật khẩu mới
users-password-keep = Để trống nếu muốn giữ mật khẩu hiện tại.

## Profile
profile-title = Hồ sơ của tôi
profile-details = Thông tin cá nhân
profile-saved = Đã lưu hồ sơ của bạn.
profile-password = Mật khẩu
profile-current-password = Mật khẩu hiện tại
profile-new-password = Mật khẩu mới
profile-change-password = Đổi mật khẩu
profile-password-changed = Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.
profile-tokens = Mã API
profile-tokens-help = Mã cá nhân cho phép các script dùng API dưới tài khoản của bạn: gửi mã theo dạng “Authorization: Bearer …”.
profile-token-name = Tên mã, VD: “Đồng bộ Zalo”
profile-token-create = Tạo mã
profile-token-once = Hãy sao chép mã này ngay. Mã sẽ không được hiển thị lại.
profile-token-created = Ngày tạo
profile-token-last-used = Lần dùng gần nhất
profile-token-never-used = Chưa từng dùng
profile-token-name-required = Hãy đặt tên cho mã.
profile-token-revoke-confirm = Thu hồi mã “{ $name }”? Các script đang dùng mã này sẽ ngừng hoạt động.

# Rules' own messages, by their English words (i18n.rs: message_slug)
error-msg-not-a-number = Nhập một con số, VD: 78.000.
error-msg-not-a-date-yyyy-mm-dd = Nhập một ngày hợp lệ.
error-msg-not-a-valid-date-or-time = Nhập ngày hoặc giờ hợp lệ.
error-msg-not-an-smtp-or-smtps-address = Nhập địa chỉ dạng smtps://tên:mật-khẩu@mail.example.com:465.
error-msg-not-an-iso-4217-currency = Chọn một loại tiền trong danh sách.
error-msg-use-letters-digits-and-only = Chỉ dùng chữ, số và các ký tự - _ / .
error-msg-a-company-cannot-belong-to-another-company = Một công ty không thể thuộc một công ty khác.
error-msg-required-before-entering-this-stage = Cần điền trước khi chuyển sang giai đoạn này.
error-msg-choose-another-stage-of-the-same-pipeline = Chọn một giai đoạn khác trong cùng quy trình.
error-msg-the-current-password-is-wrong = Mật khẩu hiện tại không đúng.
error-msg-only-an-admin-can-change-this = Chỉ quản trị viên mới thay đổi được mục này.
error-msg-not-a-stage-of-this-pipeline = Giai đoạn này không thuộc quy trình này.
error-msg-not-a-stage-of-this-lead-s-pipeline = Giai đoạn này không thuộc quy trình của hồ sơ.
error-msg-the-lead-s-contact-fields-are-not-valid-for-a-contact = Thông tin liên hệ của tiềm năng chưa hợp lệ để tạo liên hệ; hãy sửa lại hoặc chọn không liên kết khách hàng.
error-msg-a-record-cannot-merge-with-itself = Không thể gộp một hồ sơ với chính nó.
error-msg-not-a-deal-pipeline = Hãy chọn một quy trình cơ hội.
error-msg-this-pipeline-has-no-stages = Quy trình này chưa có giai đoạn nào.
error-type-integer = Nhập một số nguyên.
