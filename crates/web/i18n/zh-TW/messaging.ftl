error-unknown-mention = 找不到名為 { $name } 的使用者。
nav-notifications = 通知
bell-label = { $count ->
    [0] 通知，沒有新消息
   *[other] 通知，{ $count } 則未讀
}
notifications-title = 通知
notifications-read-all = 全部標為已讀
notifications-empty = 目前沒有通知。追蹤商機，就能在它變動時收到通知。
notifications-unread = 未讀
notify-stage = { $actor } 將「{ $record }」移到階段「{ $detail }」
notify-outcome-won = { $actor } 贏得了「{ $record }」🎉
notify-outcome-lost = { $actor } 將「{ $record }」標為失敗
notify-outcome-unqualified = { $actor } 將「{ $record }」標為不合格
notify-outcome-open = { $actor } 重新開啟「{ $record }」
notify-note = { $actor } 在「{ $record }」留下備註：{ $detail }
notify-message = { $actor } 從「{ $record }」寄出郵件：{ $detail }
notify-activity = { $actor }：「{ $record }」的活動「{ $detail }」
notify-mention = { $actor } 在「{ $record }」提到你：{ $detail }
notify-assigned = { $actor } 將「{ $record }」指派給你
notify-reminder = 會議提醒：{ $detail }
mail-notification-subject = [Sen CRM] { $line }
mail-notification-body =
    { $name } 您好：

    { $line }

    請開啟 Sen CRM 查看詳情。您可以在「我的個人資料」調整通知方式。
mail-digest-subject = [Sen CRM] 今天有 { $count } 則新通知
mail-digest-body =
    { $name } 您好：

    您追蹤的紀錄有以下動態：

    { $lines }

    請開啟 Sen CRM 查看詳情。您可以在「我的個人資料」調整通知方式。
timeline-note = 備註
timeline-email = 寄給 { $to } 的郵件
follow-start = 追蹤
follow-following = 追蹤中
follow-stop = 取消追蹤
followers-count = { $count ->
    [0] 尚無追蹤者
   *[other] { $count } 位追蹤者
}
follow-topics = 在以下情況通知我
topic-stage = 階段變更
topic-outcome = 贏得、失敗或重新開啟
topic-note = 新備註
topic-message = 寄給客戶的郵件
topic-activity = 新活動
composer-note = 備註
composer-note-placeholder = 寫備註…輸入 @ 和姓名即可提及同事。
composer-post-note = 發佈備註
composer-email = 寄信給客戶
composer-field-to = 收件人
composer-field-subject = 主旨
composer-field-body = 內容
composer-send = 寄出
field-notify-email = 電子郵件通知
hint-notify-email = 通知一律顯示在鈴鐺圖示；這裡設定是否另外寄送郵件。
notify-email-immediate = 立即寄送
notify-email-digest = 每天早上彙整一封
notify-email-none = 不寄郵件
settings-mail = 電子郵件
mail-smtp-configured = 郵件經由 SMTP 伺服器 { $server } 寄出。
mail-smtp-none = 尚未設定 SMTP 伺服器（SEN_SMTP_URL）：郵件暫存在下方的寄件匣，設定伺服器後就會寄出。
mail-from = 寄件者：{ $from }
mail-failed-jobs = 失敗的背景工作
mail-job-kind = 類型
mail-error = 錯誤
mail-attempts = 嘗試次數
mail-when = 時間
mail-retry = 重試
mail-log = 已寄出與待寄的郵件
mail-to = 收件人
mail-subject = 主旨
mail-state = 狀態
mail-none = 還沒有郵件。
mail-state-queued = 等待寄送
mail-state-sent = 已寄出
mail-state-outbox = 在寄件匣
mail-state-failed = 寄送失敗
nav-calendar = 行事曆
calendar-title = 行事曆
calendar-moved = 會議時間已更改。
calendar-move-failed = 無法更改會議時間，已還原。
calendar-needs-js = 行事曆需要 JavaScript。您仍可從商機安排會議。
calendar-feed-title = 與行事曆 App 同步
calendar-feed-hint = 將這個私密網址加入 Google 日曆、Outlook 或 iPhone 行事曆，即可看到您的會議與活動。請勿分享；可透過 API 撤銷（DELETE /api/v1/me/calendar-feed）。
meeting-new = 安排會議
meeting-edit = 編輯會議
meeting-schedule = 安排
meeting-schedule-from-record = 安排會議
meeting-name-for = 與 { $name } 開會
meeting-name = 標題
meeting-start = 開始
meeting-stop = 結束
meeting-all-day = 全天
meeting-location = 地點
meeting-attendees = 與會者
meeting-description = 說明
meeting-reminder = 提前提醒
meeting-reminder-none = 不提醒
meeting-reminder-0 = 開始時
meeting-reminder-5 = 5 分鐘
meeting-reminder-15 = 15 分鐘
meeting-reminder-30 = 30 分鐘
meeting-reminder-60 = 1 小時
meeting-reminder-1440 = 1 天
meeting-reminder-channel = 提醒方式
meeting-channel-in_app = 鈴鐺通知
meeting-channel-email = 電子郵件
meeting-repeat = 重複
meeting-repeat-none = 不重複
meeting-repeat-DAILY = 每天
meeting-repeat-WEEKLY = 每週
meeting-repeat-MONTHLY = 每月
meeting-repeat-YEARLY = 每年
meeting-interval = 每隔（天／週／月／年）
meeting-count = 次數
meeting-count-hint = 若重複到某天或永久重複則留空；次數與結束日期請擇一。
meeting-until = 重複到
meeting-scope = 套用於
meeting-scope-this = 僅此次
meeting-scope-all = 所有場次
meeting-download-ics = 下載 .ics 檔
meeting-delete = 刪除會議
meeting-delete-confirm = 確定刪除這場會議？
timeline-meeting = 安排會議：{ $name }
mail-reminder-subject = 會議提醒：{ $meeting }（{ $when }）
mail-reminder-body =
    { $name } 您好：

    會議「{ $meeting }」將於 { $when } 開始。
    地點：{ $location }

    — Sen CRM
attach-file = 選擇檔案
attach-submit = 附加檔案
mail-from-env = 目前使用的伺服器由 SEN_SMTP_URL 設定，優先於下方的設定。
mail-field-smtp-url = SMTP 伺服器
mail-field-mail-from = 寄件者
mail-smtp-url-hint = smtp://帳號:密碼@主機:587（STARTTLS）或 smtps://…:465（TLS）。密碼會顯示為 ****；保留 **** 即不變更密碼。
mail-settings-saved = 已儲存郵件設定。
mail-test = 寄一封測試信給我
mail-test-subject = Sen CRM：測試信
mail-test-body = 若您收到這封信，表示 Sen CRM 已能寄出郵件。
mail-test-queued = 測試信已排入佇列；可在下方清單查看狀態。
composer-call = 記錄通話
composer-call-summary = 通話主題
composer-call-feedback = 結果
composer-call-submit = 儲存通話
composer-field-activity_type_id = 活動類型
composer-field-feedback = 結果
composer-field-summary = 主題
composer-field-file = 檔案
composer-field-content_type = 檔案類型
meeting-weekdays = 星期（每週重複時）
weekday-MO = 一
weekday-TU = 二
weekday-WE = 三
weekday-TH = 四
weekday-FR = 五
weekday-SA = 六
weekday-SU = 日
meeting-contacts = 與會客戶
meeting-answer-accepted = 接受
meeting-answer-declined = 婉拒
meeting-answer-tentative = 暫定
meeting-answer-needs_action = 尚未回覆
meeting-your-answer = 您會出席嗎？
