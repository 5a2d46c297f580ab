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
notify-reminder = 提醒：{ $detail }（「{ $record }」）
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
