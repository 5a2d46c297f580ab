error-unknown-mention = Không có người dùng nào tên { $name } để nhắc đến.
nav-notifications = Thông báo
bell-label = { $count ->
    [0] Thông báo, không có gì mới
   *[other] Thông báo, { $count } chưa đọc
}
notifications-title = Thông báo
notifications-read-all = Đánh dấu tất cả đã đọc
notifications-empty = Chưa có thông báo nào. Hãy theo dõi một cơ hội để biết khi nó thay đổi.
notifications-unread = Chưa đọc
notify-stage = { $actor } chuyển “{ $record }” sang giai đoạn { $detail }
notify-outcome-won = { $actor } đã chốt thắng “{ $record }” 🎉
notify-outcome-lost = { $actor } đánh dấu thua “{ $record }”
notify-outcome-unqualified = { $actor } đánh dấu “{ $record }” là không tiềm năng
notify-outcome-open = { $actor } mở lại “{ $record }”
notify-note = { $actor } ghi chú trong “{ $record }”: { $detail }
notify-message = { $actor } gửi e-mail từ “{ $record }”: { $detail }
notify-activity = { $actor } — hoạt động “{ $detail }” trong “{ $record }”
notify-mention = { $actor } nhắc đến bạn trong “{ $record }”: { $detail }
notify-assigned = { $actor } giao “{ $record }” cho bạn
notify-reminder = Nhắc lịch: { $detail }
mail-notification-subject = [Sen CRM] { $line }
mail-notification-body =
    Chào { $name },

    { $line }

    Mở Sen CRM để xem chi tiết. Bạn có thể đổi cách nhận thông báo trong Hồ sơ của tôi.
mail-digest-subject = [Sen CRM] { $count } thông báo mới hôm nay
mail-digest-body =
    Chào { $name },

    Đây là những gì đã xảy ra với các hồ sơ bạn theo dõi:

    { $lines }

    Mở Sen CRM để xem chi tiết. Bạn có thể đổi cách nhận thông báo trong Hồ sơ của tôi.
timeline-note = Ghi chú
timeline-email = E-mail gửi { $to }
follow-start = Theo dõi
follow-following = Đang theo dõi
follow-stop = Bỏ theo dõi
followers-count = { $count ->
    [0] Chưa ai theo dõi
   *[other] { $count } người theo dõi
}
follow-topics = Nhận thông báo khi
topic-stage = Chuyển giai đoạn
topic-outcome = Thắng, thua hoặc mở lại
topic-note = Có ghi chú mới
topic-message = Có e-mail gửi khách
topic-activity = Có hoạt động mới
composer-note = Ghi chú
composer-note-placeholder = Viết ghi chú… Gõ @ và tên để nhắc đồng nghiệp.
composer-post-note = Đăng ghi chú
composer-email = Gửi e-mail cho khách
composer-field-to = Gửi đến
composer-field-subject = Tiêu đề
composer-field-body = Nội dung
composer-send = Gửi e-mail
field-notify-email = Thông báo qua e-mail
hint-notify-email = Thông báo luôn hiện ở biểu tượng chuông; đây là cách nhận thêm qua e-mail.
notify-email-immediate = Gửi ngay
notify-email-digest = Tổng hợp mỗi sáng
notify-email-none = Không gửi e-mail
settings-mail = E-mail
mail-smtp-configured = Thư được gửi qua máy chủ SMTP { $server }.
mail-smtp-none = Chưa cấu hình máy chủ SMTP (SEN_SMTP_URL): thư đang chờ trong hộp thư đi bên dưới và sẽ được gửi khi có máy chủ.
mail-from = Người gửi: { $from }
mail-failed-jobs = Tác vụ nền bị lỗi
mail-job-kind = Loại
mail-error = Lỗi
mail-attempts = Số lần thử
mail-when = Lúc
mail-retry = Thử lại
mail-log = Thư đã gửi và đang chờ
mail-to = Người nhận
mail-subject = Tiêu đề
mail-state = Trạng thái
mail-none = Chưa có thư nào.
mail-state-queued = Đang chờ gửi
mail-state-sent = Đã gửi
mail-state-outbox = Trong hộp thư đi
mail-state-failed = Gửi thất bại
nav-calendar = Lịch
calendar-title = Lịch
calendar-moved = Đã dời lịch họp.
calendar-move-failed = Không dời được lịch họp; đã trả về như cũ.
calendar-needs-js = Lịch cần JavaScript. Bạn vẫn có thể lên lịch họp từ một cơ hội.
calendar-feed-title = Đồng bộ với ứng dụng lịch
calendar-feed-hint = Thêm địa chỉ bí mật này vào Google Calendar, Outlook hoặc Lịch của iPhone để thấy các cuộc họp và hoạt động của bạn. Đừng chia sẻ nó; có thể thu hồi trong API (DELETE /api/v1/me/calendar-feed).
meeting-new = Lên lịch họp
meeting-edit = Sửa cuộc họp
meeting-schedule = Lên lịch
meeting-schedule-from-record = Lên lịch họp
meeting-name-for = Họp với { $name }
meeting-name = Tiêu đề
meeting-start = Bắt đầu
meeting-stop = Kết thúc
meeting-all-day = Cả ngày
meeting-location = Địa điểm
meeting-attendees = Người tham dự
meeting-description = Mô tả
meeting-reminder = Nhắc trước
meeting-reminder-none = Không nhắc
meeting-reminder-0 = Đúng giờ bắt đầu
meeting-reminder-5 = 5 phút
meeting-reminder-15 = 15 phút
meeting-reminder-30 = 30 phút
meeting-reminder-60 = 1 giờ
meeting-reminder-1440 = 1 ngày
meeting-reminder-channel = Nhắc qua
meeting-channel-in_app = Chuông thông báo
meeting-channel-email = E-mail
meeting-repeat = Lặp lại
meeting-repeat-none = Không lặp lại
meeting-repeat-DAILY = Hằng ngày
meeting-repeat-WEEKLY = Hằng tuần
meeting-repeat-MONTHLY = Hằng tháng
meeting-repeat-YEARLY = Hằng năm
meeting-interval = Cứ mỗi (ngày / tuần / tháng / năm)
meeting-count = Số lần
meeting-count-hint = Để trống nếu lặp đến một ngày hoặc mãi mãi; không điền cả số lần lẫn ngày kết thúc.
meeting-until = Lặp đến ngày
meeting-scope = Áp dụng cho
meeting-scope-this = Chỉ lần này
meeting-scope-all = Tất cả các lần
meeting-download-ics = Tải tệp .ics
meeting-delete = Xóa cuộc họp
meeting-delete-confirm = Xóa cuộc họp này?
timeline-meeting = Lên lịch họp: { $name }
mail-reminder-subject = Nhắc lịch: { $meeting } lúc { $when }
mail-reminder-body =
    Chào { $name },

    Sắp đến giờ họp “{ $meeting }” lúc { $when }.
    Địa điểm: { $location }

    — Sen CRM
attach-file = Chọn tệp
attach-submit = Đính kèm
mail-from-env = Máy chủ đang dùng được đặt bằng SEN_SMTP_URL và được ưu tiên hơn phần cài đặt bên dưới.
mail-field-smtp-url = Máy chủ SMTP
mail-field-mail-from = Người gửi
mail-smtp-url-hint = smtp://tài-khoản:mật-khẩu@máy-chủ:587 (STARTTLS) hoặc smtps://…:465 (TLS). Mật khẩu được ẩn thành ****; giữ nguyên **** để không đổi mật khẩu.
mail-settings-saved = Đã lưu cài đặt e-mail.
mail-test = Gửi thư thử cho tôi
mail-test-subject = Sen CRM: thư thử
mail-test-body = Nếu bạn đọc được thư này, Sen CRM đã gửi e-mail thành công.
mail-test-queued = Đã xếp thư thử vào hàng đợi; xem trạng thái trong danh sách bên dưới.
composer-call = Ghi nhận cuộc gọi
composer-call-summary = Nội dung cuộc gọi
composer-call-feedback = Kết quả
composer-call-submit = Lưu cuộc gọi
composer-field-activity_type_id = Loại hoạt động
composer-field-feedback = Kết quả
composer-field-summary = Nội dung
composer-field-file = Tệp
composer-field-content_type = Loại tệp
meeting-weekdays = Vào các thứ (khi lặp hằng tuần)
weekday-MO = T2
weekday-TU = T3
weekday-WE = T4
weekday-TH = T5
weekday-FR = T6
weekday-SA = T7
weekday-SU = CN
meeting-contacts = Khách tham dự
meeting-answer-accepted = Đồng ý
meeting-answer-declined = Từ chối
meeting-answer-tentative = Có thể
meeting-answer-needs_action = Chưa trả lời
meeting-your-answer = Bạn sẽ tham dự?
