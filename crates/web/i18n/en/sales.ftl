# Sen CRM — sales catalog (en): board, leads and opportunities, settings.

## Navigation and views
nav-pipeline = Pipeline
nav-leads = Leads
nav-opportunities = Opportunities
nav-settings = Settings
view-switch = View
view-board = Board
view-list = List
action-close = Close
value-none = — none —

## Board
board-title = Pipeline
board-pipeline = Pipeline
board-new = New opportunity
board-more = Show more
board-empty-title = This pipeline is empty
board-empty-text = A pipeline shows your deals as cards in stages, from first contact to won. Press + at the top of a column to add your first opportunity.
board-count-title = { $count ->
    [one] One record
   *[other] { $count } records
}
board-weighted = Weighted by probability: { $amount }
board-stale = Stale
board-stale-hint = No change for longer than this stage allows
board-stale-count = { $count ->
    [one] 1 stale
   *[other] { $count } stale
}
board-activity-bar = Activities: overdue, today, planned
board-quick-in = Add to { $stage }
board-quick-add = Add
board-stage-menu = Options of stage { $stage }
board-fold = Fold this column
board-unfold = Unfold this column
board-edit-stage = Edit stage
board-delete-stage = Delete stage
board-drag-column = Drag to reorder the stages
board-add-stage = Add a stage
board-add-stage-placeholder = Stage name
board-add-stage-button = Add stage
board-move = Move
board-move-to = Move “{ $name }” to stage
board-move-refused = The card could not be moved and went back.
board-move-forbidden = You may not move this record.
board-offline = No connection to the server: the card went back.
board-moved-by-other = A colleague moved a card.
board-won-toast = Won! Well done.
board-requirements-title = This stage needs more
board-requirements-heading = Before entering “{ $stage }”
board-requirements-text = Fill in what this stage requires for “{ $name }”.
board-requirements-save = Save and move to { $stage }

## Stages
stage-name = Name
stage-probability = Probability (%)
stage-is-won = Won stage
stage-is-won-hint = Records entering this stage are marked as won.
stage-folded = Folded on the board
stage-stale-after-days = Stale after (days)
stage-stale-after-days-hint = A record unchanged for longer is marked stale. Empty: never.
stage-required-fields = Required before entering
stage-requirements = Requirements
stage-requirements-hint = What must be done before a record enters this stage (shown to salespeople).
stage-edit-title = Edit stage “{ $name }”
stage-delete-title = Delete stage “{ $name }”
stage-delete-text = The records in “{ $name }” are not lost: choose the stage they move to.
stage-delete-target = Move its records to
stage-delete-confirm = Delete the stage
stage-delete-last = A pipeline keeps at least one stage.

## Lead fields
lead-name = Name
lead-number = Number
lead-customer = Customer
lead-contact-id = Customer
lead-user-id = Salesperson
lead-user = Salesperson
lead-team-id = Sales team
lead-team = Sales team
lead-stage = Stage
lead-source-id = Source
lead-source = Source
lead-medium-id = Medium
lead-campaign-id = Campaign
lead-priority = Priority
lead-priority-0 = Normal
lead-priority-1 = Good
lead-priority-2 = Very good
lead-priority-3 = Excellent
lead-expected-revenue = Expected revenue
lead-currency = Currency
lead-probability = Probability (%)
lead-probability-hint = Empty: the stage's probability.
lead-expected-closing = Expected closing
lead-due-date = Deadline
lead-tag-ids = Tags
lead-tags = Tags
lead-new-tags = New tags
lead-new-tags-hint = Comma separated; they are created.
lead-email = E-mail
lead-phone = Phone
lead-mobile = Mobile
lead-website = Website
lead-description = Notes
lead-company-name = Company name
lead-contact-name = Contact name
lead-salutation = Title
lead-job-position = Job position
lead-street = Street
lead-ward = Ward / commune
lead-district = District
lead-city = City / province
lead-country = Country
lead-referred-by = Referred by
lead-outcome = Status
lead-created-at = Created

## Search bar and favourites
search-label = Search
search-placeholder = Search name, customer, e-mail, phone…
search-filters = Quick filters
search-chip-mine = My pipeline
search-chip-unassigned = Unassigned
search-chip-open = Open
search-chip-won = Won
search-chip-lost = Lost
search-chip-stale = Stale
search-chip-month = Created this month
search-chip-archived = Archived
search-tag = Tag
search-any-tag = Any tag
search-source = Source
search-any-source = Any source
search-group = Group by
search-group-by = Group by
search-no-group = No grouping
search-group-stage = Stage
search-group-user = Salesperson
search-group-team = Sales team
search-group-tag = Tag
search-group-source = Source
search-group-closing-month = Expected closing month
search-advanced = Advanced filter
search-builder-field = Field
search-builder-op = Condition
search-builder-value = Value
search-op-contains = contains
search-op-has = has
search-op-empty = is empty
search-add-condition = Add condition
search-filter = Filter
search-filter-hint = Conditions joined with and / or, e.g. expected_revenue >= 1000000 and tags has "VIP".
search-bad-filter = This filter cannot be read. Check the advanced filter.
fav-title = Favourites
fav-none = No saved searches yet.
fav-shared = Shared
fav-make-default = Make default
fav-undefault = Not default
fav-delete-confirm = Delete the favourite “{ $name }”?
fav-save-current = Save current search
fav-name-placeholder = Name of this search
fav-share = Share with everyone
fav-default = Open by default
fav-save = Save

## Record page and dialogs
action-create-record = Create
lead-new = New lead
opportunity-new = New opportunity
lead-section-customer = Customer
lead-section-deal = Deal
lead-section-marketing = Marketing
lead-section-address = Address
lead-section-notes = Notes
lead-customer-hint = Type to search your contacts; pick one to link it.
lead-saved = Saved.
lead-conflict = Someone saved this record while you were editing. What you typed is kept below; the history shows what changed. Save again to keep your version.
lead-archived-badge = Archived
lead-pager = Previous and next record
lead-previous = Previous record
lead-next = Next record
lead-action-convert = Convert to opportunity
lead-action-won = Mark as won
lead-action-lost = Mark as lost
lead-action-unqualified = Unqualified
lead-action-reopen = Reopen
lead-delete-confirm = Delete “{ $name }” for good?
lead-duplicates-title = Possible duplicates
lead-merge-duplicates = Merge with these
lead-reason = Reason
lead-feedback = Feedback
lead-closed-conflict = This record is already closed.
lead-lost-title = Mark “{ $name }” as lost
lead-unqualified-title = Mark “{ $name }” as unqualified
outcome-open = Open
outcome-won = Won
outcome-lost = Lost
outcome-unqualified = Unqualified
duplicate-reason-email = same e-mail
duplicate-reason-phone = same phone
duplicate-reason-name = same name
duplicate-reason-company = same company
convert-title = Convert “{ $name }” to an opportunity
convert-action = Conversion action
convert-action-convert = Convert to opportunity
convert-action-merge = Merge with existing opportunities
convert-no-duplicates = No similar leads or opportunities found.
convert-team-pipeline = The team's pipeline
convert-customer-create = Create a new customer
convert-customer-link = Link to an existing customer
convert-customer-search = Search a contact…
convert-customer-none = Do not link to a customer
convert-pick-customer = Pick the customer to link from the suggestions.
convert-submit = Create opportunity
merge-title = Merge records
merge-keep = Record to keep
merge-preview = Result
merge-hint = The others fill the kept record's empty fields, their tags are added and their history moves to it; then they are removed.
merge-submit = Merge

## Lists
list-columns = Columns
list-export = Export CSV
list-count = { $count ->
    [one] 1 record
   *[other] { $count } records
}
list-empty = Nothing matches this search.
list-group-partial = each group shows its first rows; counts and sums include every record
list-group-first = { $count ->
    [one] first row shown
   *[other] first { $count } rows shown
}
list-select = Select
list-select-all = { $count ->
    [one] Select the 1 matching record
   *[other] Select all { $count } matching
}
list-bulk-action = Action on selected…
list-bulk-assign = Assign to salesperson
list-bulk-tag = Add tag
list-bulk-stage = Move to stage
list-bulk-merge = Merge
list-bulk-run = Apply
list-bulk-confirm = Apply this action to the selected records?
list-bulk-done = { $count ->
    [one] Done for 1 record.
   *[other] Done for { $count } records.
}
list-col-number = Number
list-col-name = Name
list-col-customer = Customer
list-col-stage = Stage
list-col-user = Salesperson
list-col-expected-revenue = Expected revenue
list-col-probability = Probability
list-col-expected-closing = Expected closing
list-col-priority = Priority
list-col-tags = Tags
list-col-email = E-mail
list-col-phone = Phone
list-col-team = Sales team
list-col-source = Source
list-col-city = City
list-col-created-at = Created
lead-created = Created
lead-stage-id = Stage
lead-archived-at = Archived
