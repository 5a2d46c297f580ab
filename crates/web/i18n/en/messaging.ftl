error-unknown-mention = There is no user called { $name } to mention.
nav-notifications = Notifications
bell-label = { $count ->
    [0] Notifications, nothing new
    [one] Notifications, 1 unread
   *[other] Notifications, { $count } unread
}
notifications-title = Notifications
notifications-read-all = Mark all as read
notifications-empty = No notifications yet. Follow an opportunity to hear when it changes.
notifications-unread = Unread
notify-stage = { $actor } moved “{ $record }” to { $detail }
notify-outcome-won = { $actor } won “{ $record }” 🎉
notify-outcome-lost = { $actor } marked “{ $record }” as lost
notify-outcome-unqualified = { $actor } marked “{ $record }” as unqualified
notify-outcome-open = { $actor } reopened “{ $record }”
notify-note = { $actor } wrote a note on “{ $record }”: { $detail }
notify-message = { $actor } sent an e-mail from “{ $record }”: { $detail }
notify-activity = { $actor }: activity “{ $detail }” on “{ $record }”
notify-mention = { $actor } mentioned you on “{ $record }”: { $detail }
notify-assigned = { $actor } assigned “{ $record }” to you
notify-reminder = Reminder: { $detail }
mail-notification-subject = [Sen CRM] { $line }
mail-notification-body =
    Hello { $name },

    { $line }

    Open Sen CRM for the details. You can change how you hear from Sen CRM in your profile.
mail-digest-subject = [Sen CRM] { $count } new notifications today
mail-digest-body =
    Hello { $name },

    Here is what happened to the records you follow:

    { $lines }

    Open Sen CRM for the details. You can change how you hear from Sen CRM in your profile.
timeline-note = Note
timeline-email = E-mail to { $to }
follow-start = Follow
follow-following = Following
follow-stop = Unfollow
followers-count = { $count ->
    [0] No followers yet
    [one] 1 follower
   *[other] { $count } followers
}
follow-topics = Tell me about
topic-stage = Stage changes
topic-outcome = Won, lost or reopened
topic-note = New notes
topic-message = E-mails to the customer
topic-activity = New activities
composer-note = Note
composer-note-placeholder = Write a note… Type @ and a name to mention a colleague.
composer-post-note = Post note
composer-email = E-mail the customer
composer-field-to = To
composer-field-subject = Subject
composer-field-body = Message
composer-send = Send e-mail
field-notify-email = Notifications by e-mail
hint-notify-email = Notifications always show under the bell; this is whether they also come by e-mail.
notify-email-immediate = Right away
notify-email-digest = One digest every morning
notify-email-none = No e-mail
settings-mail = E-mail
mail-smtp-configured = Mail goes out through the SMTP server { $server }.
mail-smtp-none = No SMTP server is configured (SEN_SMTP_URL): mail waits in the outbox below and goes out once a server is set.
mail-from = Sender: { $from }
mail-failed-jobs = Background jobs that failed
mail-job-kind = Kind
mail-error = Error
mail-attempts = Attempts
mail-when = When
mail-retry = Retry
mail-log = Mail sent and waiting
mail-to = To
mail-subject = Subject
mail-state = State
mail-none = No mail yet.
mail-state-queued = Waiting to be sent
mail-state-sent = Sent
mail-state-outbox = In the outbox
mail-state-failed = Failed
nav-calendar = Calendar
calendar-title = Calendar
calendar-moved = Meeting moved.
calendar-move-failed = The meeting could not be moved; it is back where it was.
calendar-needs-js = The calendar needs JavaScript. You can still schedule meetings from an opportunity.
calendar-feed-title = Sync with your calendar app
calendar-feed-hint = Add this secret address to Google Calendar, Outlook or Apple Calendar to see your meetings and activities. Do not share it; revoke it through the API (DELETE /api/v1/me/calendar-feed).
meeting-new = Schedule a meeting
meeting-edit = Edit meeting
meeting-schedule = Schedule
meeting-schedule-from-record = Schedule meeting
meeting-name-for = Meeting with { $name }
meeting-name = Title
meeting-start = Starts
meeting-stop = Ends
meeting-all-day = All day
meeting-location = Location
meeting-attendees = Attendees
meeting-description = Description
meeting-reminder = Remind me
meeting-reminder-none = No reminder
meeting-reminder-0 = When it starts
meeting-reminder-5 = 5 minutes before
meeting-reminder-15 = 15 minutes before
meeting-reminder-30 = 30 minutes before
meeting-reminder-60 = 1 hour before
meeting-reminder-1440 = 1 day before
meeting-reminder-channel = Remind by
meeting-channel-in_app = The bell
meeting-channel-email = E-mail
meeting-repeat = Repeat
meeting-repeat-none = Does not repeat
meeting-repeat-DAILY = Daily
meeting-repeat-WEEKLY = Weekly
meeting-repeat-MONTHLY = Monthly
meeting-repeat-YEARLY = Yearly
meeting-interval = Every (days / weeks / months / years)
meeting-count = Times
meeting-count-hint = Leave empty to repeat until a date or for ever; give either a count or an end date, not both.
meeting-until = Repeat until
meeting-scope = Apply to
meeting-scope-this = This meeting only
meeting-scope-all = All meetings in the series
meeting-download-ics = Download .ics
meeting-delete = Delete meeting
meeting-delete-confirm = Delete this meeting?
timeline-meeting = Meeting scheduled: { $name }
mail-reminder-subject = Reminder: { $meeting } at { $when }
mail-reminder-body =
    Hello { $name },

    “{ $meeting }” starts at { $when }.
    Location: { $location }

    — Sen CRM
attach-file = Choose a file
attach-submit = Attach
mail-from-env = The server in use is set by SEN_SMTP_URL, which wins over the settings below.
mail-field-smtp-url = SMTP server
mail-field-mail-from = Sender
mail-smtp-url-hint = smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (TLS). The password shows as ****; leave **** to keep it.
mail-settings-saved = E-mail settings saved.
mail-test = Send me a test e-mail
mail-test-subject = Sen CRM: test e-mail
mail-test-body = If you can read this, Sen CRM can send e-mail.
mail-test-queued = The test e-mail is queued; its state shows in the list below.
composer-call = Log a call
composer-call-summary = What the call was about
composer-call-feedback = Outcome
composer-call-submit = Save the call
composer-field-activity_type_id = Activity type
composer-field-feedback = Outcome
composer-field-summary = Subject
composer-field-file = File
composer-field-content_type = File type
meeting-weekdays = On (weekly)
weekday-MO = Mon
weekday-TU = Tue
weekday-WE = Wed
weekday-TH = Thu
weekday-FR = Fri
weekday-SA = Sat
weekday-SU = Sun
meeting-contacts = Customers attending
meeting-answer-accepted = Accepted
meeting-answer-declined = Declined
meeting-answer-tentative = Maybe
meeting-answer-needs_action = No answer yet
meeting-your-answer = Will you attend?
