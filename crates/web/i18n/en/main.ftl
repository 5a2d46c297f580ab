# Sen CRM — English catalog. Every key here must exist in vi and zh-TW too.

## Languages, currencies, roles
language-vi = Tiếng Việt
language-zh-TW = 繁體中文
language-en = English
currency-VND = Vietnamese đồng (VND)
currency-TWD = New Taiwan dollar (TWD)
currency-USD = US dollar (USD)
role-admin = Administrator
role-manager = Sales manager
role-team-leader = Team leader
role-salesperson = Salesperson

## Navigation and common actions
nav-label = Main
nav-menu = Menu
nav-contacts = Contacts
nav-users = Users
nav-profile = My profile
action-apply = Apply
action-archive = Archive
action-restore = Restore
action-delete = Delete
action-cancel = Cancel
action-create = Create contact
action-save = Save
action-search = Search
action-sign-out = Sign out
action-go-home = Back to the start page
action-revoke = Revoke

## Common fields
field-name = Name
field-email = E-mail
field-password = Password
field-language = Language
field-time-zone = Time zone
field-role = Role
field-active = Active
hint-password = At least 8 characters.

## Validation messages
error-required = This field is required.
error-too-long = Must be at most { $max } characters.
error-too-short = Must be at least { $min } characters.
error-email = Enter an e-mail address like name@example.com.
error-phone = Enter a phone number, e.g. +84 912 345 678.
error-website = Enter a web address, e.g. example.com.
error-choice = Choose one of: { $allowed }.
error-not-found = This record does not exist.
error-taken = This is already used by someone else.
error-type = Expected { $expected }.
error-unknown-field = This field is not known.
error-range = Must be between { $min } and { $max }.

## Error pages
error-page-not-found = Page not found
error-page-not-found-detail = The page or record you are looking for does not exist, or you may not see it.
error-page-forbidden = Not allowed
error-page-forbidden-detail = Your role does not allow this action.
error-page-bad-request = Something is not right
error-page-bad-request-detail = The request could not be handled. Go back and try again.
error-page-internal = Something went wrong
error-page-internal-detail = The server ran into a problem. Please try again in a moment.

## First run
setup-title = Create your workspace
setup-lead = A few details and you are ready to go. You will be the first administrator.
setup-workspace-name = Company or workspace name
setup-currency = Currency
setup-admin-name = Your name
setup-submit = Create workspace

## Sign-in
login-title = Sign in
login-submit = Sign in
login-failed = The e-mail or password is not right.
login-too-many = Too many failed attempts. Try again in { $minutes } minutes.

## Contacts list
contacts-title = Contacts
contacts-new = New contact
contacts-search = Search contacts
contacts-search-placeholder = Search name, e-mail, phone…
contacts-sort = Sort by
contacts-sort-name = Name
contacts-sort-newest = Newest first
contacts-sort-updated = Recently changed
contacts-sort-city = City
contacts-filters = Filters
contacts-chip-all = All
contacts-chip-companies = Companies
contacts-chip-people = People
contacts-chip-mine = Mine
contacts-chip-archived = Archived
contacts-count = { $count ->
    [one] 1 contact
   *[other] { $count } contacts
}
contacts-empty = No contacts match. Try other words, or add a new contact.
contacts-load-more = Show more
contacts-bad-search = This search could not be understood.
contacts-company-badge = Company
contacts-archived-badge = Archived

## Contact form
contacts-no-company = — No company —
contacts-no-owner = — Nobody —
contacts-read-only = You can view this contact but not change it.
contacts-people-title = People at this company
contacts-delete-confirm = Delete “{ $name }” for good? This cannot be undone.
contacts-duplicates-title = This may be a duplicate of:
contacts-duplicate-email = same e-mail
contacts-duplicate-phone = same phone
contacts-duplicate-name = same name
contacts-notice-created = Contact created.
contacts-notice-saved = Changes saved.
contacts-notice-archived = Contact archived. It is hidden from lists; restore it any time.
contacts-notice-restored = Contact restored.
contacts-conflict = Someone else changed this contact while you were editing. Your changes are not saved yet.
contacts-conflict-title = What changed
contacts-conflict-field = Field
contacts-conflict-theirs = Saved now
contacts-conflict-yours = Your version
contacts-conflict-help = Your version is still in the form below. Save it to apply it on top of the newer one, or discard it.
contacts-conflict-save-mine = Save my version
contacts-conflict-discard = Discard my changes
contact-section-identity = Who
contact-section-reach = How to reach
contact-section-address = Address
contact-section-more = More
contact-name = Name
contact-is-company = This is a company
contact-company-id = Company
contact-salutation = Salutation
contact-salutation-hint = e.g. Mr, Ms, Dr
contact-job-position = Job position
contact-email = E-mail
contact-phone = Phone
contact-mobile = Mobile
contact-website = Website
contact-street = Street and number
contact-ward = Ward / commune
contact-district = District
contact-district-hint = Optional: many provinces no longer use this level.
contact-city = Province / city
contact-country = Country
contact-owner-id = Owner
contact-tag-ids = Tags
contact-notes = Notes
contact-new-tags = Add tags
contact-new-tags-hint = New tags, separated by commas.
value-yes = Yes
value-no = No
contact-archived-at = Archived
contact-deleted = Deleted
history-title = History
history-created = Created

## Users
users-title = Users
users-add = Add user
users-new-password = New password
users-password-keep = Leave empty to keep the current password.

## Profile
profile-title = My profile
profile-details = My details
profile-saved = Your profile was saved.
profile-password = Password
profile-current-password = Current password
profile-new-password = New password
profile-change-password = Change password
profile-password-changed = Your password was changed. Other sessions were signed out.
profile-tokens = API tokens
profile-tokens-help = Personal tokens let scripts use the API as you: send them as “Authorization: Bearer …”.
profile-token-name = Token name, e.g. “Zalo sync”
profile-token-create = Create token
profile-token-once = Copy this token now. It will not be shown again.
profile-token-created = Created
profile-token-last-used = Last used
profile-token-never-used = Never
profile-token-name-required = Give the token a name.
profile-token-revoke-confirm = Revoke the token “{ $name }”? Scripts using it will stop working.

# Rules' own messages, by their English words (i18n.rs: message_slug)
error-msg-not-a-number = Enter a number, e.g. 78,000.
error-msg-not-a-date-yyyy-mm-dd = Enter a date.
error-msg-not-a-valid-date-or-time = Enter a valid date or time.
error-msg-not-an-smtp-or-smtps-address = Enter an address such as smtps://user:password@mail.example.com:465.
error-msg-not-an-iso-4217-currency = Choose a currency from the list.
error-msg-use-letters-digits-and-only = Use only letters, digits and - _ / .
error-msg-a-company-cannot-belong-to-another-company = A company cannot belong to another company.
error-msg-required-before-entering-this-stage = Required before entering this stage.
error-msg-choose-another-stage-of-the-same-pipeline = Choose another stage of the same pipeline.
error-msg-the-current-password-is-wrong = The current password is wrong.
error-msg-only-an-admin-can-change-this = Only an administrator can change this.
error-msg-not-a-stage-of-this-pipeline = This stage is not in this pipeline.
error-msg-not-a-stage-of-this-lead-s-pipeline = This stage is not in the record's pipeline.
error-msg-the-lead-s-contact-fields-are-not-valid-for-a-contact = The lead's contact details are not valid for a contact; correct them or choose no customer.
error-msg-a-record-cannot-merge-with-itself = A record cannot be merged with itself.
error-msg-not-a-deal-pipeline = Choose a pipeline of opportunities.
error-msg-this-pipeline-has-no-stages = This pipeline has no stages yet.
error-type-integer = Enter a whole number.
