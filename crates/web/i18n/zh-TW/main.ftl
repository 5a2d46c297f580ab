# Sen CRM — Traditional Chinese (Taiwan) catalog. Every key in en must exist here too.

## Languages, currencies, roles
language-vi = Tiếng Việt
language-zh-TW = 繁體中文
language-en = English
currency-VND = 越南盾 (VND)
currency-TWD = 新臺幣 (TWD)
currency-USD = 美元 (USD)
role-admin = 系統管理員
role-manager = 業務經理
role-team-leader = 組長
role-salesperson = 業務員

## Navigation and common actions
nav-label = 主要導覽
nav-menu = 選單
nav-contacts = 聯絡人
nav-users = 使用者
nav-profile = 我的個人資料
action-apply = 套用
action-archive = 封存
action-restore = 還原
action-delete = 刪除
action-cancel = 取消
action-create = 建立聯絡人
action-save = 儲存
action-search = 搜尋
action-sign-out = 登出
action-go-home = 回到首頁
action-revoke = 撤銷

## Common fields
field-name = 姓名
field-email = 電子郵件
field-password = 密碼
field-language = 語言
field-time-zone = 時區
field-role = 角色
field-active = 啟用
hint-password = 至少 8 個字元。

## Validation messages
error-required = 此欄位為必填。
error-too-long = 最多 { $max } 個字元。
error-too-short = 至少需要 { $min } 個字元。
error-email = 請輸入有效的電子郵件地址，例如 name@example.com。
error-phone = 請輸入電話號碼，例如 +886 912 345 678。
error-website = 請輸入網址，例如 example.com。
error-choice = 請從下列選項中選擇：{ $allowed }。
error-not-found = 此筆資料不存在。
error-taken = 此值已被其他人使用。
error-type = 格式不正確，應為 { $expected }。
error-unknown-field = 無法識別此欄位。
error-range = 必須介於 { $min } 到 { $max } 之間。

## Error pages
error-page-not-found = 找不到頁面
error-page-not-found-detail = 您要找的頁面或資料不存在，或您沒有檢視權限。
error-page-forbidden = 沒有權限
error-page-forbidden-detail = 您的角色無法執行此操作。
error-page-bad-request = 請求有誤
error-page-bad-request-detail = 無法處理此請求，請返回上一頁後再試一次。
error-page-internal = 發生錯誤
error-page-internal-detail = 伺服器發生問題，請稍後再試。

## First run
setup-title = 建立工作區
setup-lead = 只要填寫幾項資料就能開始使用。您將成為第一位系統管理員。
setup-workspace-name = 公司或工作區名稱
setup-currency = 幣別
setup-admin-name = 您的姓名
setup-submit = 建立工作區

## Sign-in
login-title = 登入
login-submit = 登入
login-failed = 電子郵件或密碼不正確。
login-too-many = 登入失敗次數過多，請於 { $minutes } 分鐘後再試。

## Contacts list
contacts-title = 聯絡人
contacts-new = 新增聯絡人
contacts-search = 搜尋聯絡人
contacts-search-placeholder = 搜尋姓名、電子郵件、電話…
contacts-sort = 排序方式
contacts-sort-name = 名稱
contacts-sort-newest = 最新建立
contacts-sort-updated = 最近更新
contacts-sort-city = 縣市
contacts-filters = 篩選
contacts-chip-all = 全部
contacts-chip-companies = 公司
contacts-chip-people = 個人
contacts-chip-mine = 我的
contacts-chip-archived = 已封存
contacts-count = { $count ->
    [one] 共 { $count } 位聯絡人
   *[other] 共 { $count } 位聯絡人
}
contacts-empty = 沒有符合的聯絡人。請換個關鍵字，或新增聯絡人。
contacts-load-more = 顯示更多
contacts-bad-search = 無法解讀此搜尋條件。
contacts-company-badge = 公司
contacts-archived-badge = 已封存

## Contact form
contacts-no-company = — 無所屬公司 —
contacts-no-owner = — 未指定負責人 —
contacts-read-only = 您可以檢視此聯絡人，但無法修改。
contacts-people-title = 公司聯絡人
contacts-delete-confirm = 確定要永久刪除「{ $name }」嗎？此動作無法復原。
contacts-duplicates-title = 可能與下列資料重複：
contacts-duplicate-email = 電子郵件相同
contacts-duplicate-phone = 電話相同
contacts-duplicate-name = 名稱相同
contacts-notice-created = 已建立聯絡人。
contacts-notice-saved = 已儲存變更。
contacts-notice-archived = 已封存聯絡人。封存後不會顯示在清單中，隨時都可以還原。
contacts-notice-restored = 已還原聯絡人。
contacts-conflict = 在您編輯期間，其他人已修改此聯絡人。您的變更尚未儲存。
contacts-conflict-title = 變更內容
contacts-conflict-field = 欄位
contacts-conflict-theirs = 目前儲存的內容
contacts-conflict-yours = 您的版本
contacts-conflict-help = 您的版本仍保留在下方表單中。儲存即會以您的版本覆寫較新的內容，您也可以選擇捨棄。
contacts-conflict-save-mine = 儲存我的版本
contacts-conflict-discard = 捨棄我的變更
contact-section-identity = 基本資料
contact-section-reach = 聯絡方式
contact-section-address = 地址
contact-section-more = 其他資訊
contact-name = 名稱
contact-is-company = 這是一間公司
contact-company-id = 所屬公司
contact-salutation = 稱謂
contact-salutation-hint = 例如：先生、小姐、女士
contact-job-position = 職稱
contact-email = 電子郵件
contact-phone = 電話
contact-mobile = 手機
contact-website = 網站
contact-street = 街道與門牌號碼
contact-ward = 村／里
contact-district = 鄉鎮市區
contact-district-hint = 選填：越南許多省市已不再使用這一層級。
contact-city = 縣市
contact-country = 國家
contact-owner-id = 負責人
contact-tag-ids = 標籤
contact-notes = 備註
contact-new-tags = 新增標籤
contact-new-tags-hint = 新標籤，以逗號分隔。
value-yes = 是
value-no = 否
contact-archived-at = 封存時間
contact-deleted = 已刪除
history-title = 歷程記錄
history-created = 已建立

## Users
users-title = 使用者
users-add = 新增使用者
users-new-password = 新密碼
users-password-keep = 若不變更密碼，請留空。

## Profile
profile-title = 我的個人資料
profile-details = 基本資料
profile-saved = 已儲存您的個人資料。
profile-password = 密碼
profile-current-password = 目前密碼
profile-new-password = 新密碼
profile-change-password = 變更密碼
profile-password-changed = 密碼已變更。其他已登入的工作階段皆已登出。
profile-tokens = API 權杖
profile-tokens-help = 個人權杖可讓指令碼以您的身分使用 API：請以「Authorization: Bearer …」的形式傳送。
profile-token-name = 權杖名稱，例如「LINE 同步」
profile-token-create = 建立權杖
profile-token-once = 請立即複製此權杖，之後將不會再顯示。
profile-token-created = 建立時間
profile-token-last-used = 上次使用
profile-token-never-used = 從未使用
profile-token-name-required = 請為權杖命名。
profile-token-revoke-confirm = 確定要撤銷權杖「{ $name }」嗎？使用此權杖的指令碼將無法再運作。

# Rules' own messages, by their English words (i18n.rs: message_slug)
error-msg-not-a-number = 請輸入數字，例如 78,000。
error-msg-not-a-date-yyyy-mm-dd = 請輸入有效的日期。
error-msg-not-a-valid-date-or-time = 請輸入有效的日期或時間。
error-msg-not-an-smtp-or-smtps-address = 請輸入像 smtps://帳號:密碼@mail.example.com:465 這樣的地址。
error-msg-not-an-iso-4217-currency = 請從清單中選擇幣別。
error-msg-use-letters-digits-and-only = 只能使用字母、數字與 - _ / .
error-msg-a-company-cannot-belong-to-another-company = 公司不能隸屬於另一家公司。
error-msg-required-before-entering-this-stage = 進入此階段前必須填寫。
error-msg-choose-another-stage-of-the-same-pipeline = 請選擇同一流程中的其他階段。
error-msg-the-current-password-is-wrong = 目前的密碼不正確。
error-msg-only-an-admin-can-change-this = 只有系統管理員可以修改此項目。
error-msg-not-a-stage-of-this-pipeline = 此階段不屬於這個流程。
error-msg-not-a-stage-of-this-lead-s-pipeline = 此階段不屬於這筆紀錄的流程。
error-msg-the-lead-s-contact-fields-are-not-valid-for-a-contact = 線索的聯絡資訊不足以建立聯絡人；請修正，或選擇不連結客戶。
error-msg-a-record-cannot-merge-with-itself = 紀錄不能與自己合併。
error-msg-not-a-deal-pipeline = 請選擇商機流程。
error-msg-this-pipeline-has-no-stages = 此流程還沒有任何階段。
error-type-integer = 請輸入整數。
