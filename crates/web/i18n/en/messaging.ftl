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
notify-reminder = Reminder: { $detail } (“{ $record }”)
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
